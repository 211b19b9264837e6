package dev.redisboot.stream.autoconfigure;

import java.time.Duration;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.stream.StreamListenerRegistrar.JobSettings;
import dev.redisboot.stream.StreamSettings;

import org.springframework.util.StringUtils;

/**
 * Checks the stream and job properties and turns them into settings, failing startup with a
 * message that names the wrong property.
 */
final class StreamSettingsResolver {

	private static final String PREFIX = "redisboot.stream.";

	private static final String JOBS = "redisboot.jobs.";

	private final StreamProperties properties;

	StreamSettingsResolver(StreamProperties properties) {
		this.properties = properties;
	}

	StreamSettings defaults() {
		StreamProperties p = this.properties;
		between(PREFIX + "batch-size", p.getBatchSize(), 1, 1000);
		Duration block = positive(PREFIX + "block", p.getBlock());
		between(PREFIX + "max-attempts", p.getMaxAttempts(), 1, 1000);
		Duration initial = positive(PREFIX + "backoff-initial", p.getBackoffInitial());
		if (!(p.getBackoffMultiplier() >= 1.0 && p.getBackoffMultiplier() <= 100)) {
			throw new InvalidPropertyException(PREFIX + "backoff-multiplier", p.getBackoffMultiplier(),
					"The multiplier must be between 1 and 100", "Use 2 to double the delay after each failure.");
		}
		Duration max = positive(PREFIX + "backoff-max", p.getBackoffMax());
		if (max.compareTo(initial) < 0) {
			throw new InvalidPropertyException(PREFIX + "backoff-max", max,
					"The longest delay is shorter than the first one (" + PREFIX + "backoff-initial=" + initial + ")",
					"Raise it, or lower " + PREFIX + "backoff-initial.");
		}
		Duration reclaimIdle = positive(PREFIX + "reclaim-idle", p.getReclaimIdle());
		if (reclaimIdle.compareTo(block) <= 0) {
			throw new InvalidPropertyException(PREFIX + "reclaim-idle", reclaimIdle,
					"Entries would be taken from consumers that are merely waiting to read (" + PREFIX + "block=" + block
							+ ")",
					"Use a duration longer than the longest time a handler takes, such as 5m.");
		}
		atLeastOne(PREFIX + "max-length", p.getMaxLength());
		atLeastOne(PREFIX + "dead-letter-max-length", p.getDeadLetterMaxLength());
		return new StreamSettings(p.getBatchSize(), block, p.getMaxAttempts(), initial, p.getBackoffMultiplier(), max,
				reclaimIdle, p.getMaxLength(), p.getDeadLetterMaxLength());
	}

	JobSettings jobs(JobProperties jobs) {
		String stream = jobs.getStream();
		if (!StringUtils.hasText(stream) || stream.contains("{") || stream.contains("}")) {
			throw new InvalidPropertyException(JOBS + "stream", stream, "The stream name is empty or has a curly brace",
					"Use a plain name such as jobs.");
		}
		if (!StringUtils.hasText(jobs.getGroup())) {
			throw new InvalidPropertyException(JOBS + "group", jobs.getGroup(), "The group name is empty",
					"Use a name such as jobs.");
		}
		between(JOBS + "concurrency", jobs.getConcurrency(), 1, 256);
		positive(JOBS + "idempotency-ttl", jobs.getIdempotencyTtl());
		StreamSettings settings = defaults();
		if (jobs.getMaxAttempts() != null) {
			between(JOBS + "max-attempts", jobs.getMaxAttempts(), 1, 1000);
			settings = settings.withMaxAttempts(jobs.getMaxAttempts());
		}
		return new JobSettings(stream, jobs.getGroup(), jobs.getConcurrency(), settings);
	}

	Duration delayedPollInterval() {
		return positive(PREFIX + "delayed-poll-interval", this.properties.getDelayedPollInterval());
	}

	Duration statsInterval() {
		return positive(PREFIX + "stats-interval", this.properties.getStatsInterval());
	}

	Duration shutdownTimeout() {
		Duration timeout = this.properties.getShutdownTimeout();
		if (timeout.isNegative()) {
			throw new InvalidPropertyException(PREFIX + "shutdown-timeout", timeout, "The duration must not be negative",
					"Use a duration such as 30s.");
		}
		return timeout;
	}

	Duration timeout() {
		return positive(PREFIX + "timeout", this.properties.getTimeout());
	}

	private static void between(String property, long value, long min, long max) {
		if (value < min || value > max) {
			throw new InvalidPropertyException(property, value, "The value must be between " + min + " and " + max,
					"Use a value in that range.");
		}
	}

	private static void atLeastOne(String property, long value) {
		if (value < 1) {
			throw new InvalidPropertyException(property, value, "The value must be at least 1",
					"Use a length such as 100000.");
		}
	}

	private static Duration positive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidPropertyException(property, value, "The duration must be positive",
					"Use a positive duration such as 2s or 5m.");
		}
		return value;
	}

}

package dev.redisboot.stream.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.PropertyChecks;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.stream.JobLimits;
import dev.redisboot.stream.JobPriority;
import dev.redisboot.stream.StreamListenerRegistrar.JobSettings;
import dev.redisboot.stream.StreamSettings;

import org.springframework.util.StringUtils;

/**
 * The one place that checks the {@code redisboot.stream.*} and {@code redisboot.jobs.*}
 * properties and turns them into settings, failing startup with an
 * {@link InvalidPropertyException} that names the wrong property. The properties classes
 * stay plain JavaBeans.
 *
 * @author redisboot
 */
final class StreamSettingsResolver {

	private static final String PREFIX = "redisboot.stream.";

	private static final String JOBS = "redisboot.jobs.";

	private final RedisbootStreamProperties properties;

	StreamSettingsResolver(RedisbootStreamProperties properties) {
		this.properties = properties;
	}

	StreamSettings defaults() {
		RedisbootStreamProperties p = this.properties;
		PropertyChecks.between(PREFIX + "batch-size", p.getBatchSize(), 1, 1000, "10");
		Duration block = PropertyChecks.positive(PREFIX + "block", p.getBlock(), "2s");
		PropertyChecks.between(PREFIX + "max-attempts", p.getMaxAttempts(), 1, 1000, "5");
		Duration initial = PropertyChecks.positive(PREFIX + "backoff-initial", p.getBackoffInitial(), "1s");
		if (!(p.getBackoffMultiplier() >= 1.0 && p.getBackoffMultiplier() <= 100)) {
			throw new InvalidPropertyException(PREFIX + "backoff-multiplier", p.getBackoffMultiplier(),
					"The multiplier must be between 1 and 100", "Use 2 to double the delay after each failure.");
		}
		Duration max = PropertyChecks.positive(PREFIX + "backoff-max", p.getBackoffMax(), "5m");
		if (max.compareTo(initial) < 0) {
			throw new InvalidPropertyException(PREFIX + "backoff-max", max,
					"The longest delay is shorter than the first one (" + PREFIX + "backoff-initial=" + initial + ")",
					"Raise it, or lower " + PREFIX + "backoff-initial.");
		}
		Duration reclaimIdle = PropertyChecks.positive(PREFIX + "reclaim-idle", p.getReclaimIdle(), "5m");
		if (reclaimIdle.compareTo(block) <= 0) {
			throw new InvalidPropertyException(PREFIX + "reclaim-idle", reclaimIdle,
					"Entries would be taken from consumers that are merely waiting to read (" + PREFIX + "block=" + block
							+ ")",
					"Use a duration longer than the longest time a handler takes, such as 5m.");
		}
		PropertyChecks.atLeast(PREFIX + "max-length", p.getMaxLength(), 1, "100000");
		PropertyChecks.atLeast(PREFIX + "dead-letter-max-length", p.getDeadLetterMaxLength(), 1, "10000");
		return new StreamSettings(p.getBatchSize(), block, p.getMaxAttempts(), initial, p.getBackoffMultiplier(), max,
				reclaimIdle, p.getMaxLength(), p.getDeadLetterMaxLength());
	}

	JobSettings jobs(RedisbootJobProperties jobs) {
		String stream = jobs.getStream();
		if (!StringUtils.hasText(stream) || stream.contains("{") || stream.contains("}")) {
			throw new InvalidPropertyException(JOBS + "stream", stream, "The stream name is empty or has a curly brace",
					"Use a plain name such as jobs.");
		}
		if (!StringUtils.hasText(jobs.getGroup())) {
			throw new InvalidPropertyException(JOBS + "group", jobs.getGroup(), "The group name is empty",
					"Use a name such as jobs.");
		}
		PropertyChecks.between(JOBS + "concurrency", jobs.getConcurrency(), 1, 256, "2");
		idempotencyTtl(jobs);
		StreamSettings settings = defaults();
		Integer maxAttempts = jobs.getMaxAttempts();
		if (maxAttempts != null) {
			PropertyChecks.between(JOBS + "max-attempts", maxAttempts, 1, 1000, "5");
			settings = settings.withMaxAttempts(maxAttempts);
		}
		Duration statusTtl = PropertyChecks.positive(JOBS + "status-ttl", jobs.getStatusTtl(), "1d");
		Duration uniqueTtl = PropertyChecks.positive(JOBS + "unique-ttl", jobs.getUniqueTtl(), "1d");
		Map<String, JobPriority> priorities = new LinkedHashMap<>();
		Map<String, JobLimits> limits = new LinkedHashMap<>();
		jobs.getTypes().forEach((type, settingsOfType) -> {
			if (!StringUtils.hasText(type) || type.length() > 100) {
				throw new InvalidPropertyException(JOBS + "types", type, "A job type name is empty or too long",
						"Use the name @JobHandler gives, such as welcome-email.");
			}
			JobPriority priority = settingsOfType.getPriority();
			if (priority == null) {
				throw new InvalidPropertyException(JOBS + "types." + type + ".priority", null,
						"The priority is required", "Use high, normal or low.");
			}
			if (priority != JobPriority.NORMAL) {
				priorities.put(type, priority);
			}
			String prefix = JOBS + "types." + type + ".";
			Integer concurrency = settingsOfType.getConcurrency();
			if (concurrency != null) {
				PropertyChecks.between(prefix + "concurrency", concurrency, 1, 256, "1");
			}
			Long rate = settingsOfType.getRateLimit().getLimit();
			Duration period = PropertyChecks.positive(prefix + "rate-limit.period",
					settingsOfType.getRateLimit().getPeriod(), "1m");
			if (rate != null) {
				PropertyChecks.atLeast(prefix + "rate-limit.limit", rate, 1, "100");
				if (rate > period.toMillis()) {
					throw new InvalidPropertyException(prefix + "rate-limit.limit", rate,
							"More than one job per millisecond of " + prefix + "rate-limit.period (" + period + ")",
							"Use a longer period, or no rate limit.");
				}
			}
			if (concurrency != null || rate != null) {
				if (!jobs.isStatusTracking()) {
					throw new InvalidPropertyException(prefix + ((concurrency != null) ? "concurrency" : "rate-limit.limit"),
							(concurrency != null) ? concurrency : rate,
							"Job type limits are checked by the script that marks a job running, which "
									+ JOBS + "status-tracking=false turns off",
							"Remove the limit, or turn status tracking on.");
				}
				limits.put(type, new JobLimits((concurrency != null) ? concurrency : 0, (rate != null) ? rate : 0, period));
			}
		});
		Duration deferral = PropertyChecks.positive(JOBS + "deferral", jobs.getDeferral(), "1s");
		Integer high = jobs.getHighPriorityConcurrency();
		if (high != null) {
			PropertyChecks.between(JOBS + "high-priority-concurrency", high, 1, 256, "4");
		}
		PropertyChecks.between(JOBS + "low-priority-concurrency", jobs.getLowPriorityConcurrency(), 1, 256, "1");
		return new JobSettings(stream, jobs.getGroup(), jobs.getConcurrency(), settings, jobs.isStatusTracking(),
				statusTtl, uniqueTtl, priorities, (high != null) ? high : jobs.getConcurrency(),
				jobs.getLowPriorityConcurrency(), limits, deferral);
	}

	Duration idempotencyTtl(RedisbootJobProperties jobs) {
		return PropertyChecks.positive(JOBS + "idempotency-ttl", jobs.getIdempotencyTtl(), "24h");
	}

	Duration delayedPollInterval() {
		return PropertyChecks.positive(PREFIX + "delayed-poll-interval", this.properties.getDelayedPollInterval(),
				"250ms");
	}

	Duration statsInterval() {
		return PropertyChecks.positive(PREFIX + "stats-interval", this.properties.getStatsInterval(), "15s");
	}

	Duration shutdownTimeout() {
		return PropertyChecks.notNegative(PREFIX + "shutdown-timeout", this.properties.getShutdownTimeout(), "30s");
	}

	RedisCircuitBreaker circuitBreaker() {
		return this.properties.getCircuitBreaker().createBreaker(PREFIX + "circuit-breaker.");
	}

	Duration timeout() {
		return PropertyChecks.positive(PREFIX + "timeout", this.properties.getTimeout(), "2s");
	}

}

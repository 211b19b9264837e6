package dev.redisboot.schedule;

import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.core.redis.RedisFailureCause;
import org.apache.commons.logging.Log;

/**
 * Logs the problems of recurring jobs, boundedly: an outage at most once a minute, each other
 * kind of problem once at WARN ({@link WarnOnce}) and at DEBUG afterwards; the counters carry
 * the rate.
 */
final class ScheduleProblems {

	private static final long QUIET_BETWEEN_OUTAGE_LOGS = 60_000_000_000L;

	private final Log logger;

	private final WarnOnce once;

	private long lastOutageWarning = System.nanoTime() - QUIET_BETWEEN_OUTAGE_LOGS;

	ScheduleProblems(Log logger) {
		this.logger = logger;
		this.once = new WarnOnce(logger);
	}

	void badState(String schedule, String key) {
		this.once.warn("bad-state:" + schedule, "Schedule '" + schedule + "' found its key " + key
				+ " holding something redisboot never writes (another Redis type or format); it was replaced", null);
	}

	void missed(String schedule, DueFireTimes due, MissedFires policy) {
		this.once.warn("missed:" + schedule, "Schedule '" + schedule + "' missed " + due.missed()
				+ (due.capped() ? " or more" : "") + " fire time(s) up to " + due.lastMissed()
				+ " while no instance could enqueue them on time; "
				+ ((policy == MissedFires.RUN_ONCE) ? "one job was enqueued for them (run-once)"
						: "they were skipped (missed-fires=skip)"), null);
	}

	void failed(String operation, String schedule, RuntimeException ex) {
		if (ex instanceof RedisCommandException redis && redis.isInterrupted()) {
			this.logger.debug("Interrupted (stopping) while trying to " + operation + " for schedule '" + schedule
					+ "'");
			return;
		}
		if (ex instanceof RedisCommandException redis && redis.isRedisUnavailable()) {
			synchronized (this) {
				long now = System.nanoTime();
				if (now - this.lastOutageWarning >= QUIET_BETWEEN_OUTAGE_LOGS) {
					this.lastOutageWarning = now;
					this.logger.warn("Redis is unavailable for recurring jobs (" + RedisFailureCause.of(ex).message()
							+ "): schedule '" + schedule + "' and others retry until it is back, then apply their "
							+ "missed-fires policy (logged at most once a minute, counted as result=failed)");
				}
			}
		}
		else if (ex instanceof RedisCommandException redis && redis.isCommandError()) {
			String reply = RedisFailureCause.of(ex).message();
			this.once.warn("refused:" + reply.split(" ", 2)[0] + ":" + operation, "Redis refused to " + operation
					+ " for schedule '" + schedule + "' (" + truncate(reply) + "); retrying", null);
		}
		else {
			this.once.warn("error:" + ex.getClass().getName() + ":" + operation,
					"Could not " + operation + " for schedule '" + schedule + "': " + ex, ex);
		}
		if (this.logger.isDebugEnabled()) {
			this.logger.debug("Could not " + operation + " for schedule '" + schedule + "'", ex);
		}
	}

	private static String truncate(String text) {
		return (text.length() <= 160) ? text : text.substring(0, 160) + "...";
	}

}

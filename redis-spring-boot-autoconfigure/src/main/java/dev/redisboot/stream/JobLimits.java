package dev.redisboot.stream;

import java.time.Duration;

/**
 * The limits of one job type ({@code redisboot.jobs.types.<type>.concurrency} and
 * {@code .rate-limit.*}). A job that meets a limit is deferred, not failed: it goes back to
 * the delayed set, its attempt not counted, and is marked {@link JobState#SCHEDULED}.
 *
 * @param concurrency how many jobs of the type one instance runs at once (per instance, not
 * across instances), 0 for no limit; a job that finds them all taken is deferred by
 * {@code redisboot.jobs.deferral}
 * @param rateLimit how many jobs of the type may start per {@code ratePeriod} across all
 * instances, 0 for no limit; a job over it is deferred until it may start
 * @param ratePeriod the period of the rate limit
 * @author redisboot
 */
public record JobLimits(int concurrency, long rateLimit, Duration ratePeriod) {

	/** No limits. */
	public static final JobLimits NONE = new JobLimits(0, 0, Duration.ofSeconds(1));

	/**
	 * Returns the interval between two starts at the limited rate, in milliseconds.
	 * @return the interval, at least 1, or 0 without a rate limit
	 */
	long rateIntervalMillis() {
		return (this.rateLimit > 0) ? Math.max(1, this.ratePeriod.toMillis() / this.rateLimit) : 0;
	}

}

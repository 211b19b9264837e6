package dev.redisboot.stream;

import java.time.Duration;

/**
 * How the consumers of one stream read, retry, reclaim and trim.
 *
 * @param batchSize entries read at once by one consumer
 * @param block how long a read waits for new entries
 * @param maxAttempts attempts before an entry goes to the dead-letter stream
 * @param backoffInitial delay before the first retry
 * @param backoffMultiplier factor by which each further retry waits longer
 * @param backoffMax longest delay between retries
 * @param reclaimIdle how long an entry may stay unacknowledged with one consumer before
 * another takes it over (its consumer is presumed dead)
 * @param maxLength approximate length the stream is trimmed to on every add
 * @param deadLetterMaxLength approximate length of the dead-letter stream
 * @author redisboot
 */
public record StreamSettings(int batchSize, Duration block, int maxAttempts, Duration backoffInitial,
		double backoffMultiplier, Duration backoffMax, Duration reclaimIdle, long maxLength, long deadLetterMaxLength) {

	/**
	 * Defaults: batches of 10, 2 s reads, 5 attempts retried after 1 s, 2 s, 4 s, 8 s (at most
	 * 5 min), reclaim after 5 min, streams trimmed to about 100,000 entries and dead letters
	 * to about 10,000.
	 */
	public static final StreamSettings DEFAULTS = new StreamSettings(10, Duration.ofSeconds(2), 5,
			Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), Duration.ofMinutes(5), 100_000, 10_000);

	/**
	 * Returns the delay before the given retry.
	 * @param failedAttempt the attempt that failed, 1 for the first
	 * @return the delay
	 */
	public Duration backoff(int failedAttempt) {
		double millis = this.backoffInitial.toMillis() * Math.pow(this.backoffMultiplier, failedAttempt - 1);
		return Duration.ofMillis((long) Math.min(millis, this.backoffMax.toMillis()));
	}

	/**
	 * Returns a copy with another number of attempts.
	 * @param maxAttempts the attempts
	 * @return the settings
	 */
	public StreamSettings withMaxAttempts(int maxAttempts) {
		return new StreamSettings(this.batchSize, this.block, maxAttempts, this.backoffInitial, this.backoffMultiplier,
				this.backoffMax, this.reclaimIdle, this.maxLength, this.deadLetterMaxLength);
	}

}

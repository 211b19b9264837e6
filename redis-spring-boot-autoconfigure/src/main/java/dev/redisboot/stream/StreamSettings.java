package dev.redisboot.stream;

import java.time.Duration;

/**
 * How the consumers of one stream read, retry, reclaim and trim. The defaults come from
 * {@code redisboot.stream.*} ({@link StreamListenerContainer#getDefaultSettings()}).
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

package dev.redisboot.stream.autoconfigure;

import java.time.Duration;

import dev.redisboot.core.autoconfigure.CircuitBreakerProperties;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Configuration properties of Redis Streams consumers ({@code @RedisStreamListener} and job
 * handlers).
 *
 * @author redisboot
 */
@ConfigurationProperties("redisboot.stream")
public class RedisbootStreamProperties {

	/**
	 * Whether stream listeners and jobs are enabled.
	 */
	private boolean enabled = true;

	/**
	 * Entries one consumer reads at once.
	 */
	private int batchSize = 10;

	/**
	 * How long a read waits for new entries; also the longest a stop waits for a reader.
	 */
	private Duration block = Duration.ofSeconds(2);

	/**
	 * Attempts before an entry goes to the dead-letter stream, for listeners that do not say
	 * otherwise.
	 */
	private int maxAttempts = 5;

	/**
	 * Delay before the first retry of a failed entry.
	 */
	private Duration backoffInitial = Duration.ofSeconds(1);

	/**
	 * Factor by which each further retry waits longer.
	 */
	private double backoffMultiplier = 2.0;

	/**
	 * Longest delay between retries.
	 */
	private Duration backoffMax = Duration.ofMinutes(5);

	/**
	 * How long an entry may stay unacknowledged with one consumer before another takes it
	 * over (XAUTOCLAIM), its consumer presumed dead. Must exceed the longest time a handler
	 * takes.
	 */
	private Duration reclaimIdle = Duration.ofMinutes(5);

	/**
	 * Approximate length streams are trimmed to (XADD MAXLEN ~). Must exceed the largest
	 * backlog, or unprocessed entries are trimmed away.
	 */
	private long maxLength = 100_000;

	/**
	 * Approximate length of each dead-letter stream.
	 */
	private long deadLetterMaxLength = 10_000;

	/**
	 * How often due delayed entries (delayed jobs, retries) are moved into their stream; the
	 * most they run late.
	 */
	private Duration delayedPollInterval = Duration.ofMillis(250);

	/**
	 * How often the backlog figures behind the redisboot.stream.* gauges are refreshed.
	 */
	private Duration statsInterval = Duration.ofSeconds(15);

	/**
	 * How long shutdown waits for entries in hand to finish.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	/**
	 * Longest a non-blocking Redis command (add, acknowledge, retry) may take.
	 */
	private Duration timeout = Duration.ofSeconds(2);

	/**
	 * Circuit breaker of the producers (JobQueue and StreamPublisher) that stops calling Redis
	 * during an outage: enqueue, cancel and add then throw at once, and a job status lookup is
	 * empty at once, instead of each waiting for the timeout. Consumers never go through it.
	 */
	@NestedConfigurationProperty
	private final CircuitBreakerProperties circuitBreaker = new CircuitBreakerProperties();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getBatchSize() {
		return this.batchSize;
	}

	public void setBatchSize(int batchSize) {
		this.batchSize = batchSize;
	}

	public Duration getBlock() {
		return this.block;
	}

	public void setBlock(Duration block) {
		this.block = block;
	}

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Duration getBackoffInitial() {
		return this.backoffInitial;
	}

	public void setBackoffInitial(Duration backoffInitial) {
		this.backoffInitial = backoffInitial;
	}

	public double getBackoffMultiplier() {
		return this.backoffMultiplier;
	}

	public void setBackoffMultiplier(double backoffMultiplier) {
		this.backoffMultiplier = backoffMultiplier;
	}

	public Duration getBackoffMax() {
		return this.backoffMax;
	}

	public void setBackoffMax(Duration backoffMax) {
		this.backoffMax = backoffMax;
	}

	public Duration getReclaimIdle() {
		return this.reclaimIdle;
	}

	public void setReclaimIdle(Duration reclaimIdle) {
		this.reclaimIdle = reclaimIdle;
	}

	public long getMaxLength() {
		return this.maxLength;
	}

	public void setMaxLength(long maxLength) {
		this.maxLength = maxLength;
	}

	public long getDeadLetterMaxLength() {
		return this.deadLetterMaxLength;
	}

	public void setDeadLetterMaxLength(long deadLetterMaxLength) {
		this.deadLetterMaxLength = deadLetterMaxLength;
	}

	public Duration getDelayedPollInterval() {
		return this.delayedPollInterval;
	}

	public void setDelayedPollInterval(Duration delayedPollInterval) {
		this.delayedPollInterval = delayedPollInterval;
	}

	public Duration getStatsInterval() {
		return this.statsInterval;
	}

	public void setStatsInterval(Duration statsInterval) {
		this.statsInterval = statsInterval;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public CircuitBreakerProperties getCircuitBreaker() {
		return this.circuitBreaker;
	}

}

package dev.redisboot.core.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.redis.RedisCircuitBreaker;

/**
 * Settings of a {@link RedisCircuitBreaker}, nested in the properties of each feature that
 * calls Redis ({@code redisboot.cache.circuit-breaker}, {@code redisboot.rate-limit.circuit-breaker}).
 *
 * @author redisboot
 */
public class CircuitBreakerProperties {

	/**
	 * Consecutive Redis failures that open the breaker.
	 */
	private int failureThreshold = 3;

	/**
	 * How long the breaker stays open (Redis is not called, the feature's failure mode applies
	 * at once) before one call probes whether Redis is back.
	 */
	private Duration openDuration = Duration.ofSeconds(5);

	public int getFailureThreshold() {
		return this.failureThreshold;
	}

	public void setFailureThreshold(int failureThreshold) {
		this.failureThreshold = failureThreshold;
	}

	public Duration getOpenDuration() {
		return this.openDuration;
	}

	public void setOpenDuration(Duration openDuration) {
		this.openDuration = openDuration;
	}

	/**
	 * Creates the breaker, validating the settings.
	 * @param prefix the properties' prefix, such as {@code redisboot.cache.circuit-breaker.}
	 * @return a closed breaker
	 * @throws InvalidPropertyException naming the property of a wrong value
	 */
	public RedisCircuitBreaker createBreaker(String prefix) {
		if (this.failureThreshold < 1) {
			throw new InvalidPropertyException(prefix + "failure-threshold", this.failureThreshold,
					"The threshold must be at least 1", "Use a small count such as 3.");
		}
		if (this.openDuration.isNegative() || this.openDuration.isZero()) {
			throw new InvalidPropertyException(prefix + "open-duration", this.openDuration,
					"The duration must be positive", "Use a duration such as 5s.");
		}
		return new RedisCircuitBreaker(this.failureThreshold, this.openDuration, Clock.systemUTC());
	}

}

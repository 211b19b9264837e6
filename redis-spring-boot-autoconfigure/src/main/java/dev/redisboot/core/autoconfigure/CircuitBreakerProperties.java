package dev.redisboot.core.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.PropertyChecks;
import dev.redisboot.core.redis.RedisCircuitBreaker;

/**
 * Settings of a {@link RedisCircuitBreaker}, nested in the properties of each feature that
 * calls Redis ({@code redisboot.cache.circuit-breaker}, {@code redisboot.rate-limit.circuit-breaker},
 * {@code redisboot.session.circuit-breaker}, {@code redisboot.lock.circuit-breaker},
 * {@code redisboot.pubsub.circuit-breaker}, {@code redisboot.stream.circuit-breaker}).
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
		int threshold = PropertyChecks.atLeast(prefix + "failure-threshold", this.failureThreshold, 1, "3");
		Duration open = PropertyChecks.positive(prefix + "open-duration", this.openDuration, "5s");
		return new RedisCircuitBreaker(featureOf(prefix), threshold, open, Clock.systemUTC());
	}

	/**
	 * The feature a prefix such as {@code redisboot.cache.circuit-breaker.} belongs to
	 * ({@code cache}), which names the breaker in its log lines.
	 */
	private static String featureOf(String prefix) {
		String feature = prefix.replaceFirst("^redisboot\\.", "").replaceFirst("\\.?circuit-breaker\\.?$", "");
		return feature.isEmpty() ? "Redis" : feature;
	}

}

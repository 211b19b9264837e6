package dev.redisboot.lock.autoconfigure;

import java.time.Duration;

import dev.redisboot.core.PropertyChecks;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import org.jspecify.annotations.Nullable;

/**
 * Checks the {@code redisboot.lock.*} properties, failing startup with a message that names
 * the wrong property: the one place they are validated.
 */
final class LockSettingsResolver {

	private static final String PREFIX = "redisboot.lock.";

	private final RedisbootLockProperties properties;

	LockSettingsResolver(RedisbootLockProperties properties) {
		this.properties = properties;
	}

	Duration defaultLease() {
		return PropertyChecks.positive(PREFIX + "default-lease", this.properties.getDefaultLease(), "30s");
	}

	@Nullable Duration watchdogInterval() {
		return PropertyChecks.positiveIfSet(PREFIX + "watchdog-interval", this.properties.getWatchdogInterval(), "10s");
	}

	RedisCircuitBreaker circuitBreaker() {
		return this.properties.getCircuitBreaker().createBreaker(PREFIX + "circuit-breaker.");
	}

	Duration timeout() {
		return PropertyChecks.positive(PREFIX + "timeout", this.properties.getTimeout(), "2s");
	}

}

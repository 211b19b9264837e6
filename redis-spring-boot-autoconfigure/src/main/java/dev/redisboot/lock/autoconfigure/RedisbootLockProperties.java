package dev.redisboot.lock.autoconfigure;

import java.time.Duration;

import dev.redisboot.core.autoconfigure.CircuitBreakerProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Configuration properties of distributed locks and {@code @ScheduledOnce}. Validated by
 * {@link LockSettingsResolver} when the locks are created.
 *
 * @author redisboot
 */
@ConfigurationProperties("redisboot.lock")
public class RedisbootLockProperties {

	/**
	 * Whether to provide distributed locks (the DistributedLocks bean) and @ScheduledOnce.
	 */
	private boolean enabled = true;

	/**
	 * Lease of @ScheduledOnce tasks that give no lockAtMostFor: the longest a run holds its
	 * lock, and so the longest an instance that died while running blocks the task.
	 */
	private Duration defaultLease = Duration.ofSeconds(30);

	/**
	 * How often the watchdog of runLocked renews a lease while the action runs. At most a
	 * third of the lease is used; unset for a third of the lease.
	 */
	private @Nullable Duration watchdogInterval;

	/**
	 * Longest a single lock command may take before it counts as failed (the lock is then
	 * not taken).
	 */
	private Duration timeout = Duration.ofSeconds(2);

	/**
	 * Circuit breaker that stops calling Redis during an outage: acquisitions then fail
	 * closed at once (counted as short-circuited) instead of each waiting for the timeout.
	 */
	@NestedConfigurationProperty
	private final CircuitBreakerProperties circuitBreaker = new CircuitBreakerProperties();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getDefaultLease() {
		return this.defaultLease;
	}

	public void setDefaultLease(Duration defaultLease) {
		this.defaultLease = defaultLease;
	}

	public @Nullable Duration getWatchdogInterval() {
		return this.watchdogInterval;
	}

	public void setWatchdogInterval(@Nullable Duration watchdogInterval) {
		this.watchdogInterval = watchdogInterval;
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

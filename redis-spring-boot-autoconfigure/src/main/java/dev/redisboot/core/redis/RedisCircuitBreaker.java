package dev.redisboot.core.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Stops calling Redis for a while after consecutive failures, so that during an outage
 * callers get a miss at once instead of each waiting for the command timeout. After the
 * back-off one call is let through as a probe: its success closes the breaker, its failure
 * opens it for another back-off. Shared by every cache of a cache manager, since they share
 * one Redis.
 */
public final class RedisCircuitBreaker {

	private static final Log logger = LogFactory.getLog(RedisCircuitBreaker.class);

	private final int failureThreshold;

	private final long openMillis;

	private final Clock clock;

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private final AtomicLong openUntil = new AtomicLong();

	private final AtomicBoolean probing = new AtomicBoolean();

	private final AtomicLong skipped = new AtomicLong();

	/**
	 * Creates a closed breaker.
	 * @param failureThreshold consecutive failures that open the breaker
	 * @param openDuration how long the breaker stays open before probing
	 * @param clock the clock
	 */
	public RedisCircuitBreaker(int failureThreshold, Duration openDuration, Clock clock) {
		this.failureThreshold = failureThreshold;
		this.openMillis = openDuration.toMillis();
		this.clock = clock;
	}

	/**
	 * Whether a call may go to Redis now. When the back-off has passed, exactly one caller is
	 * allowed through as a probe until it reports its outcome.
	 * @return whether to call Redis
	 */
	public boolean allowRequest() {
		long until = this.openUntil.get();
		if (until == 0) {
			return true;
		}
		if (this.clock.millis() >= until && this.probing.compareAndSet(false, true)) {
			return true;
		}
		this.skipped.incrementAndGet();
		return false;
	}

	/**
	 * Reports a successful call: closes the breaker. Cheap when nothing failed before (no
	 * writes to shared state on the hot path).
	 * @return whether this success ended a run of failures
	 */
	public boolean onSuccess() {
		boolean recovered = false;
		if (this.consecutiveFailures.get() != 0) {
			this.consecutiveFailures.set(0);
			recovered = true;
		}
		long until = this.openUntil.get();
		if (until != 0 && this.openUntil.compareAndSet(until, 0)) {
			recovered = true;
			logger.info("Redis answers again: caches use it again");
		}
		if (this.probing.get()) {
			this.probing.set(false);
		}
		return recovered;
	}

	/**
	 * Reports a failed call: opens the breaker once the threshold is reached, or again after
	 * a failed probe. Opening is logged once per outage, at WARN.
	 * @param cause what failed
	 */
	public void onFailure(Throwable cause) {
		int failures = this.consecutiveFailures.incrementAndGet();
		long current = this.openUntil.get();
		if (failures >= this.failureThreshold || current != 0) {
			long until = this.clock.millis() + this.openMillis;
			if (current == 0 && this.openUntil.compareAndSet(0, until)) {
				logger.warn("Redis failed " + failures + " times in a row (" + cause.getMessage()
						+ "): caches stop calling it for " + this.openMillis
						+ " ms at a time until it answers again; reads are misses, writes are dropped");
			}
			else {
				this.openUntil.set(until);
			}
		}
		this.probing.set(false);
	}

	/**
	 * Lets another caller probe when a call ended without telling whether Redis works (it
	 * failed for a reason of its own, or the caller was interrupted).
	 */
	public void releaseProbe() {
		if (this.probing.get()) {
			this.probing.set(false);
		}
	}

	/**
	 * Whether the breaker is open (Redis is not being called).
	 * @return whether open
	 */
	public boolean isOpen() {
		return this.openUntil.get() != 0;
	}

	/**
	 * Calls not sent to Redis because the breaker was open.
	 * @return the count since startup
	 */
	public long skippedCalls() {
		return this.skipped.get();
	}

}

package dev.redisboot.cache;

/**
 * What a cache does when Redis fails (connection refused or lost, timeout, server error).
 */
public enum CacheFailureMode {

	/**
	 * Keep callers working without Redis: a read is a miss (so the cached method runs), a write
	 * or eviction is dropped; both are counted, and a circuit breaker stops calling Redis for a
	 * while so callers do not each wait for the timeout.
	 */
	DEGRADE,

	/**
	 * Throw the error to the caller, as Spring's own caches do.
	 */
	FAIL

}

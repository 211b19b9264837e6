package dev.redisboot.cache;

/**
 * Counts what one cache does. Implementations must be cheap and thread-safe: every method
 * is on a cache hot path.
 *
 * @see CacheMetricsFactory
 */
public interface CacheMetrics {

	/**
	 * Metrics that record nothing, for applications without Micrometer.
	 */
	CacheMetrics NONE = new CacheMetrics() {
	};

	/**
	 * A read found a value.
	 */
	default void hit() {
	}

	/**
	 * A read found no readable value.
	 */
	default void miss() {
	}

	/**
	 * A value was written.
	 */
	default void put() {
	}

	/**
	 * Entries were removed by an eviction or a clear.
	 * @param count how many entries were removed
	 */
	default void evictions(long count) {
	}

	/**
	 * A stored value could not be read back and was deleted.
	 */
	default void decodeError() {
	}

	/**
	 * Redis failed or timed out.
	 */
	default void redisError() {
	}

	/**
	 * A write or eviction was dropped because Redis was unavailable.
	 */
	default void dropped() {
	}

	/**
	 * A value was computed after a miss.
	 * @param nanos how long the computation took
	 */
	default void load(long nanos) {
	}

}

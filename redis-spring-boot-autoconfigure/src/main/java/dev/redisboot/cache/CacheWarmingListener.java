package dev.redisboot.cache;

/**
 * Told how each {@link CacheWarmer} ended.
 */
@FunctionalInterface
public interface CacheWarmingListener {

	/**
	 * A listener that does nothing.
	 */
	CacheWarmingListener NONE = (warmer, outcome, nanos) -> {
	};

	/**
	 * A warmer ended.
	 * @param warmer the warmer's bean name
	 * @param outcome {@code success}, {@code failure} or {@code timeout}
	 * @param nanos how long it ran
	 */
	void warmed(String warmer, String outcome, long nanos);

}

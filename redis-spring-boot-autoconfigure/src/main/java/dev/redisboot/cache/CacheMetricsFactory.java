package dev.redisboot.cache;

/**
 * Creates the {@link CacheMetrics} of each cache when the cache is created, so caches
 * created at runtime are metered too.
 */
@FunctionalInterface
public interface CacheMetricsFactory {

	/**
	 * A factory whose metrics record nothing.
	 */
	CacheMetricsFactory NONE = (cacheName) -> CacheMetrics.NONE;

	/**
	 * Creates the metrics of a cache.
	 * @param cacheName the cache's name
	 * @return its metrics
	 */
	CacheMetrics create(String cacheName);

}

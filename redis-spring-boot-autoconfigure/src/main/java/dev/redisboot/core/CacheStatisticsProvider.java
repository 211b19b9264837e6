package dev.redisboot.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A cache manager that reports what its caches have counted, for readers such as the
 * {@code redis} Actuator endpoint that must not depend on a cache implementation (features
 * meet only in {@code core}). Implemented by redisboot's cache manager.
 *
 * @author redisboot
 */
@FunctionalInterface
public interface CacheStatisticsProvider {

	/**
	 * What one cache has counted.
	 * @param cacheName the cache's name
	 * @return its statistics, or {@code null} when the cache does not exist (it is not
	 * created by this call) or keeps no counts (no meter registry)
	 */
	@Nullable CacheStatistics getCacheStatistics(String cacheName);

	/**
	 * The time to live one cache is configured with.
	 * @param cacheName the cache's name
	 * @return its entries' time to live, or {@code null} when unknown
	 */
	default @Nullable Duration getCacheTimeToLive(String cacheName) {
		return null;
	}

	/**
	 * The {@code SCAN MATCH} pattern of one cache's entries in Redis, so that readers such
	 * as the {@code redis} endpoint can sample their count and size.
	 * @param cacheName the cache's name
	 * @return the pattern, such as {@code prod:cache:users:*}, or {@code null} when unknown
	 */
	default @Nullable String getCacheKeyPattern(String cacheName) {
		return null;
	}

	/**
	 * Whether one cache compresses the values it stores.
	 * @param cacheName the cache's name
	 * @return whether large values are compressed, or {@code null} when unknown
	 */
	default @Nullable Boolean isCacheCompressed(String cacheName) {
		return null;
	}

}

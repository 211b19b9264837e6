package dev.redisboot.cache;

/**
 * Told of each access to redisboot caches: a hit in the near cache or in Redis, a miss, a
 * load with its duration, a put, an eviction or a clear. Declare beans of this type (the
 * auto-configuration passes them to the cache manager, in order) or add them with
 * {@link RedisbootCacheManager.Builder#accessListener}.
 * <p>
 * Listeners are called on the caller's thread, right after the access (on the cache's
 * background thread for {@code CompletableFuture} and reactive look-ups), so they must be
 * quick and must not block: hand anything slow to another thread. A listener that throws
 * is logged once and never fails the cache operation. A cache that no listener
 * {@link #supports supports} pays nothing: no event is created, no clock is read. Listeners
 * never add a Redis command. Background refreshes (refresh-ahead) are not reported.
 *
 * @author redisboot
 */
@FunctionalInterface
public interface CacheAccessListener {

	/**
	 * Called after each access to a cache this listener {@link #supports supports}.
	 * @param access what happened
	 */
	void onAccess(CacheAccess access);

	/**
	 * Whether this listener wants the accesses of a cache; asked once, when the cache is
	 * created.
	 * @param cacheName the cache's name
	 * @return whether to tell this listener of the cache's accesses (default {@code true})
	 */
	default boolean supports(String cacheName) {
		return true;
	}

}

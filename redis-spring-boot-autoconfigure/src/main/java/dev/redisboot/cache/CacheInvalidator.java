package dev.redisboot.cache;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * Evicts groups of entries from redisboot caches by key pattern, with {@code SCAN} and
 * {@code UNLINK} in batches (on every primary of a Cluster), never {@code KEYS}. Parts that
 * come from users or data are passed separately and matched literally, so an id containing
 * {@code *} cannot widen what is evicted:
 * <pre class="code">
 * invalidator.evictMatching("orders", "{}:*", tenantId);   // every order of one tenant
 * invalidator.evictByPrefix("search", query);                // keys starting with the query text
 * </pre>
 */
public class CacheInvalidator {

	private final CacheManager cacheManager;

	/**
	 * Creates an invalidator for the caches of a cache manager.
	 * @param cacheManager the cache manager
	 */
	public CacheInvalidator(CacheManager cacheManager) {
		this.cacheManager = cacheManager;
	}

	/**
	 * Evicts the entries of a cache whose keys match a template.
	 * @param cacheName the cache
	 * @param template the key pattern relative to the cache: {@code {}} stands for the next
	 * part, matched literally; {@code *} and {@code ?} in the template are wildcards
	 * @param parts the literal parts
	 * @return how many entries were removed
	 * @throws IllegalStateException if the cache digests its keys ({@code digest-keys})
	 * @throws IllegalArgumentException if the cache does not exist or is not a redisboot
	 * cache, or the number of parts does not match the placeholders
	 */
	public long evictMatching(String cacheName, String template, Object... parts) {
		return redisbootCache(cacheName).evictMatching(template, parts);
	}

	/**
	 * Evicts the entries of a cache whose keys start with a text, matched literally.
	 * @param cacheName the cache
	 * @param keyPrefix the start of the keys
	 * @return how many entries were removed
	 * @throws IllegalStateException if the cache digests its keys ({@code digest-keys})
	 */
	public long evictByPrefix(String cacheName, Object keyPrefix) {
		return evictMatching(cacheName, "{}*", keyPrefix);
	}

	private RedisbootCache redisbootCache(String cacheName) {
		Cache cache = this.cacheManager.getCache(cacheName);
		if (cache instanceof RedisbootCache redisbootCache) {
			return redisbootCache;
		}
		throw new IllegalArgumentException((cache == null) ? "No cache named '" + cacheName + "'"
				: "Cache '" + cacheName + "' is a " + cache.getClass().getName() + ", not a redisboot cache");
	}

}

package dev.redisboot.cache;

import org.springframework.cache.CacheManager;

/**
 * Fills caches when the application starts. Every bean of this type runs once, in the
 * background after the context has started, bounded by {@code redisboot.cache.warming.timeout}
 * (it is interrupted after that) and timed in the {@code cache.warming} metric. The
 * application reports ready without waiting for warmers unless
 * {@code redisboot.cache.warming.wait-for-completion=true}.
 * <pre class="code">
 * &#64;Bean
 * CacheWarmer topProducts(ProductService products) {
 *     return (cacheManager) -&gt; products.topSellers().forEach((id) -&gt; products.find(id));  // &#64;Cacheable
 * }
 * </pre>
 */
@FunctionalInterface
public interface CacheWarmer {

	/**
	 * Fills caches, typically by calling {@code @Cacheable} methods or
	 * {@code cacheManager.getCache(name).put(key, value)}.
	 * @param cacheManager the application's cache manager
	 * @throws Exception if warming fails; it is logged and counted, and does not stop the
	 * application
	 */
	void warm(CacheManager cacheManager) throws Exception;

}

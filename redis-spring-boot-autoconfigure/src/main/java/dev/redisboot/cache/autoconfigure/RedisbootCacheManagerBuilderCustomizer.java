package dev.redisboot.cache.autoconfigure;

import dev.redisboot.cache.RedisbootCacheManager;

/**
 * Customizes the {@link RedisbootCacheManager.Builder} of the auto-configured cache manager,
 * after the settings of {@code redisboot.cache.*} have been applied: declare one as a bean to
 * add caches with settings of your own, replace the circuit breaker or the metrics, and so
 * on. Beans are applied in {@link org.springframework.core.annotation.Order @Order}.
 * Spring Boot's {@code CacheManagerCustomizer} beans are applied to the built manager too,
 * as Boot's own cache auto-configuration would.
 *
 * @author redisboot
 */
@FunctionalInterface
public interface RedisbootCacheManagerBuilderCustomizer {

	/**
	 * Customizes the builder.
	 * @param builder the builder
	 */
	void customize(RedisbootCacheManager.Builder builder);

}

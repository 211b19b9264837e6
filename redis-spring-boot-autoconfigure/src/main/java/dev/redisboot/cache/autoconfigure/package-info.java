/**
 * Auto-configuration for redisboot's Redis caches: the cache manager from
 * {@code redisboot.cache.*}, its circuit breaker (the bean
 * {@code redisbootCacheCircuitBreaker}), near-cache invalidation, metrics, warming, the
 * startup check of unlisted caches, and native-image hints.
 * <p>
 * API: {@link dev.redisboot.cache.autoconfigure.RedisbootCacheManagerBuilderCustomizer}
 * (Spring Boot's {@code CacheManagerCustomizer} beans apply too), and the properties
 * ({@link dev.redisboot.cache.autoconfigure.RedisbootCacheProperties},
 * {@link dev.redisboot.cache.autoconfigure.CacheSpec}), public for binding and
 * configuration metadata. Properties are validated in one place,
 * {@code CacheSettingsResolver}, with {@link dev.redisboot.core.PropertyChecks}.
 */
@NullMarked
package dev.redisboot.cache.autoconfigure;

import org.jspecify.annotations.NullMarked;

/**
 * Redis-backed Spring caches: per-cache TTLs with jitter, JSON values restricted to allowed
 * types, optional compression and encryption, loading once across the deployment,
 * refresh-ahead, near caches kept consistent over pub/sub, a circuit breaker that keeps a
 * Redis outage away from callers, pattern eviction without {@code KEYS}, cache warming, and
 * metrics and statistics for every cache.
 * <p>
 * API: {@link dev.redisboot.cache.RedisbootCacheManager} (with its
 * {@link dev.redisboot.cache.RedisbootCacheManager.Builder Builder}, which
 * {@code RedisbootCacheManagerBuilderCustomizer} beans adjust) and
 * {@link dev.redisboot.cache.RedisbootCache}; {@link dev.redisboot.cache.CacheSettings};
 * {@link dev.redisboot.cache.CacheFailureMode}; {@link dev.redisboot.cache.CacheInvalidator}
 * (a bean to inject); the SPIs {@link dev.redisboot.cache.CacheWarmer},
 * {@link dev.redisboot.cache.CacheWarmingListener}, {@link dev.redisboot.cache.CacheMetrics},
 * {@link dev.redisboot.cache.CacheMetricsFactory} and
 * {@link dev.redisboot.cache.CacheAccessListener} (told of each hit, miss, load, put,
 * eviction and clear, with {@link dev.redisboot.cache.CacheAccess}); and
 * {@link dev.redisboot.cache.NearCacheInvalidation} (a bean whose state an application may
 * check); {@link dev.redisboot.cache.CacheAudit} (which caches record their accesses in the
 * audit trail, through core's {@code AccessAuditor}).
 * {@link dev.redisboot.cache.MicrometerCacheMetricsFactory},
 * {@link dev.redisboot.cache.CacheWarmingRunner}, {@link dev.redisboot.cache.CacheServerTiming}
 * and {@link dev.redisboot.cache.CacheServerTimingFilter} are public for the
 * auto-configuration; not API. Everything else (the Redis commands, the store, the loader, the near-cache tier) is
 * package-private.
 * <p>
 * Inside, {@code RedisbootCache} is the Spring {@code Cache} facade over three
 * collaborators, with calls going one way: {@code CacheStore} (the Redis side of one cache:
 * encoding, decoding, every Redis call under the failure mode and the circuit breaker),
 * {@code CacheEntryLoader} (loading once under a Redis lock, refresh-ahead) and
 * {@code NearCacheTier} (the in-memory tier and its invalidation messages, or
 * {@code NearCacheTier.NONE}). This package never depends on its {@code autoconfigure}
 * sub-package.
 */
@NullMarked
package dev.redisboot.cache;

import org.jspecify.annotations.NullMarked;

/**
 * Redis-backed Spring caches: per-cache TTLs with jitter, JSON values restricted to allowed
 * types, optional compression and encryption, a circuit breaker that keeps a Redis outage
 * away from callers, pattern eviction without {@code KEYS}, cache warming, and metrics for
 * every cache.
 */
@NullMarked
package dev.redisboot.cache;

import org.jspecify.annotations.NullMarked;

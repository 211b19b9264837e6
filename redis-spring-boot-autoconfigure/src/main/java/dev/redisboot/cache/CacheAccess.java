package dev.redisboot.cache;

import java.time.Duration;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * One access to a cache, as told to {@link CacheAccessListener listeners}: which cache,
 * which key, what happened and how long it took.
 * <p>
 * The key is the application's own cache key (an id, an e-mail address, a token): a
 * listener that shows, logs or stores it must digest or drop it, as redisboot's own uses do.
 *
 * @param cacheName the cache's name
 * @param key the cache key as the application passed it, or {@code null} for a
 * {@link Outcome#CLEAR}
 * @param outcome what happened
 * @param nanos how long it took: the look-up (near cache, then Redis) for a hit or a miss,
 * the value's computation for a load, the Redis call for a put, an eviction or a clear
 * @author redisboot
 */
public record CacheAccess(String cacheName, @Nullable Object key, Outcome outcome, long nanos) {

	/**
	 * How long the access took.
	 * @return the duration
	 */
	public Duration duration() {
		return Duration.ofNanos(this.nanos);
	}

	/**
	 * What an access did.
	 */
	public enum Outcome {

		/**
		 * A read served from the in-memory near cache, without Redis.
		 */
		HIT_NEAR,

		/**
		 * A read served from Redis.
		 */
		HIT_REDIS,

		/**
		 * A read that found no readable value (also when Redis was unavailable).
		 */
		MISS,

		/**
		 * The caller computed a value after a miss (the {@code @Cacheable} method ran), and
		 * the cache stored it; the duration is the computation's. Callers that waited for
		 * another caller's load see only their {@link #MISS}.
		 */
		LOAD,

		/**
		 * A value was written that was not computed after a miss ({@code @CachePut},
		 * {@code Cache.put}, {@code putIfAbsent}).
		 */
		PUT,

		/**
		 * One key was evicted ({@code @CacheEvict}, {@code Cache.evict}).
		 */
		EVICT,

		/**
		 * Every entry of the cache, or every entry matching a pattern, was removed.
		 */
		CLEAR;

		private final String label = name().toLowerCase(Locale.ROOT).replace('_', '-');

		/**
		 * Short lower-case name, such as {@code hit-near} or {@code miss}.
		 * @return the label
		 */
		public String label() {
			return this.label;
		}

		/**
		 * Whether this outcome is a read that found a value.
		 * @return whether it is a hit
		 */
		public boolean isHit() {
			return this == HIT_NEAR || this == HIT_REDIS;
		}

	}

}

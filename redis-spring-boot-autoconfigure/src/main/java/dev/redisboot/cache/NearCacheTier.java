package dev.redisboot.cache;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache.ValueWrapper;

/**
 * The in-memory tier of one {@link RedisbootCache} in front of Redis, and how its changes
 * reach the other instances. A cache without a near cache has {@link #NONE}, which holds
 * nothing and announces nothing, so the cache never asks whether it has one.
 */
interface NearCacheTier {

	/**
	 * No near cache: every read goes to Redis.
	 */
	NearCacheTier NONE = new NearCacheTier() {
	};

	/**
	 * Creates the near cache of a cache and registers it with the invalidation channel,
	 * through which its changes are announced and the other instances' changes arrive.
	 * @param cacheName the cache's name
	 * @param settings the near cache's settings
	 * @param invalidation the channel
	 * @param store publishes the announcements under the cache's failure mode
	 * @param metrics the cache's metrics
	 * @return the near cache
	 */
	static NearCacheTier of(String cacheName, CacheSettings.NearCache settings, NearCacheInvalidation invalidation,
			CacheStore store, CacheMetrics metrics) {
		NearCacheLayer layer = new NearCacheLayer(settings);
		invalidation.register(cacheName, layer, metrics);
		return new Announcing(cacheName, layer, invalidation, store, metrics);
	}

	/**
	 * Looks an entry up in memory, counting a near-cache hit or miss.
	 * @param redisKey the entry's Redis key
	 * @return the value, or {@code null} when not held
	 */
	default @Nullable ValueWrapper get(String redisKey) {
		return null;
	}

	/**
	 * The current generation, to take before a Redis read and pass to {@link #fill}.
	 * @return the generation
	 */
	default long epoch() {
		return 0;
	}

	/**
	 * Keeps a value read from Redis or loaded after a miss, unless the entry changed since
	 * {@code epoch} was taken. Nothing is announced: a load is no change.
	 */
	default void fill(String redisKey, @Nullable Object value, long epoch) {
	}

	/**
	 * Records a change made here: this instance keeps the new value and the others are told
	 * to drop theirs.
	 */
	default void changed(String redisKey, @Nullable Object value) {
	}

	/**
	 * Drops an entry here and in the other instances.
	 */
	default void removed(String redisKey) {
	}

	/**
	 * Drops every entry here and in the other instances.
	 */
	default void cleared() {
	}

	/**
	 * A near cache kept consistent over {@link NearCacheInvalidation}.
	 */
	final class Announcing implements NearCacheTier {

		private final String cacheName;

		private final NearCacheLayer layer;

		private final NearCacheInvalidation invalidation;

		private final CacheStore store;

		private final CacheMetrics metrics;

		private Announcing(String cacheName, NearCacheLayer layer, NearCacheInvalidation invalidation,
				CacheStore store, CacheMetrics metrics) {
			this.cacheName = cacheName;
			this.layer = layer;
			this.invalidation = invalidation;
			this.store = store;
			this.metrics = metrics;
		}

		@Override
		public @Nullable ValueWrapper get(String redisKey) {
			ValueWrapper local = this.layer.get(redisKey);
			this.metrics.nearCache(local != null);
			return local;
		}

		@Override
		public long epoch() {
			return this.layer.epoch();
		}

		@Override
		public void fill(String redisKey, @Nullable Object value, long epoch) {
			this.layer.fill(redisKey, value, epoch);
		}

		@Override
		public void changed(String redisKey, @Nullable Object value) {
			this.layer.changed(redisKey, value);
			announce(this.invalidation.keyMessage(this.cacheName, redisKey));
		}

		@Override
		public void removed(String redisKey) {
			this.layer.invalidate(redisKey);
			announce(this.invalidation.keyMessage(this.cacheName, redisKey));
		}

		@Override
		public void cleared() {
			this.layer.clear();
			announce(this.invalidation.clearMessage(this.cacheName));
		}

		private void announce(byte[] message) {
			this.store.publish(this.invalidation.channel(), message);
		}

	}

}

package dev.redisboot.cache;

import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache.ValueWrapper;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * The in-memory layer of one cache, in front of Redis: a bounded Caffeine cache of decoded
 * values by Redis key. It serves only while its {@link NearCacheInvalidation invalidation
 * channel} is subscribed; it is cleared whenever the channel disconnects or resubscribes,
 * since messages may have been missed meanwhile.
 * <p>
 * A value read from Redis is added only if no invalidation reached this cache between the
 * read being sent and the value being added ({@link #epoch()} unchanged, checked atomically
 * with the insert), so a change published while a read was in flight never leaves the old
 * value behind.
 */
final class NearCacheLayer {

	private static final Object NULL = new Object();

	private final Cache<String, Object> entries;

	private final AtomicLong epoch = new AtomicLong();

	private volatile boolean live;

	NearCacheLayer(CacheSettings.NearCache settings) {
		this.entries = Caffeine.newBuilder()
			.maximumSize(settings.maxSize())
			.expireAfterWrite(settings.ttl())
			.executor(Runnable::run)
			.build();
	}

	@Nullable ValueWrapper get(String key) {
		if (!this.live) {
			return null;
		}
		Object value = this.entries.getIfPresent(key);
		return (value != null) ? new SimpleValueWrapper((value != NULL) ? value : null) : null;
	}

	/**
	 * The current generation, to pass to {@link #fill} after a read from Redis.
	 * @return the generation
	 */
	long epoch() {
		return this.epoch.get();
	}

	boolean isLive() {
		return this.live;
	}

	/**
	 * Adds a value read from Redis (or loaded after a miss), unless an invalidation arrived
	 * since {@code epoch} was taken.
	 */
	void fill(String key, @Nullable Object value, long epoch) {
		if (!this.live) {
			return;
		}
		Object stored = (value != null) ? value : NULL;
		this.entries.asMap().compute(key, (k, current) -> (this.epoch.get() == epoch) ? stored : current);
	}

	/**
	 * Records this instance's own change of an entry: reads in flight must not add the old
	 * value afterwards.
	 */
	void changed(String key, @Nullable Object value) {
		this.epoch.incrementAndGet();
		if (this.live) {
			this.entries.put(key, (value != null) ? value : NULL);
		}
		else {
			this.entries.invalidate(key);
		}
	}

	void invalidate(String key) {
		this.epoch.incrementAndGet();
		this.entries.invalidate(key);
	}

	void clear() {
		this.epoch.incrementAndGet();
		this.entries.invalidateAll();
	}

	/**
	 * Starts or stops serving; either way the entries are dropped.
	 */
	void setLive(boolean live) {
		if (!live) {
			this.live = false;
		}
		clear();
		if (live) {
			this.live = true;
		}
	}

	long size() {
		return this.entries.estimatedSize();
	}

}

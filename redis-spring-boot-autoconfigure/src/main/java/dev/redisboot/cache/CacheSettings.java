package dev.redisboot.cache;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import dev.redisboot.core.codec.ValueEnvelope;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Resolved settings of one cache.
 *
 * @param ttl how long an entry lives after it is written
 * @param ttlJitter fraction (0 to 0.5) by which each entry's TTL is shortened at random, so
 * entries written together do not expire together
 * @param timeToIdle when set, a read extends the entry's life to this duration again
 * @param cacheNulls whether {@code null} results are cached
 * @param nullTtl how long a cached {@code null} lives
 * @param envelope compression and encryption of stored values
 * @param loading how values are loaded after a miss and refreshed before they expire
 * @param nearCache the in-memory near cache in front of Redis, or {@code null} for none
 * @param digestKeys whether entries are stored under a digest of their key instead of the
 * key itself, for caches keyed by personal data
 */
public record CacheSettings(Duration ttl, double ttlJitter, @Nullable Duration timeToIdle, boolean cacheNulls,
		Duration nullTtl, ValueEnvelope envelope, Loading loading, @Nullable NearCache nearCache,
		boolean digestKeys) {

	/**
	 * Settings with the default loading and no near cache.
	 * @param ttl how long an entry lives after it is written
	 * @param ttlJitter fraction (0 to 0.5) by which each entry's TTL is shortened at random
	 * @param timeToIdle when set, a read extends the entry's life to this duration again
	 * @param cacheNulls whether {@code null} results are cached
	 * @param nullTtl how long a cached {@code null} lives
	 * @param envelope compression and encryption of stored values
	 */
	public CacheSettings(Duration ttl, double ttlJitter, @Nullable Duration timeToIdle, boolean cacheNulls,
			Duration nullTtl, ValueEnvelope envelope) {
		this(ttl, ttlJitter, timeToIdle, cacheNulls, nullTtl, envelope, Loading.DEFAULT, null, false);
	}

	/**
	 * Settings whose entries are stored under their keys.
	 * @param ttl how long an entry lives after it is written
	 * @param ttlJitter fraction (0 to 0.5) by which each entry's TTL is shortened at random
	 * @param timeToIdle when set, a read extends the entry's life to this duration again
	 * @param cacheNulls whether {@code null} results are cached
	 * @param nullTtl how long a cached {@code null} lives
	 * @param envelope compression and encryption of stored values
	 * @param loading how values are loaded after a miss
	 * @param nearCache the near cache, or {@code null} for none
	 */
	public CacheSettings(Duration ttl, double ttlJitter, @Nullable Duration timeToIdle, boolean cacheNulls,
			Duration nullTtl, ValueEnvelope envelope, Loading loading, @Nullable NearCache nearCache) {
		this(ttl, ttlJitter, timeToIdle, cacheNulls, nullTtl, envelope, loading, nearCache, false);
	}

	public CacheSettings {
		Assert.isTrue(loading.refreshAhead() == 0 || timeToIdle == null,
				"Refresh-ahead needs the age of entries, which time-to-idle hides");
	}

	/**
	 * Time-to-live in milliseconds for an entry written now: the TTL shortened by a random
	 * amount of at most {@code ttlJitter} of it, so the configured TTL is the upper bound of
	 * an entry's age.
	 * @param nullValue whether the entry caches {@code null}
	 * @return the TTL in milliseconds, at least 1
	 */
	long nextTtlMillis(boolean nullValue) {
		long ttl = (nullValue ? this.nullTtl : this.ttl).toMillis();
		if (this.ttlJitter > 0 && ttl > 1) {
			long spread = (long) (ttl * this.ttlJitter);
			if (spread > 0) {
				ttl -= ThreadLocalRandom.current().nextLong(spread + 1);
			}
		}
		return Math.max(1, ttl);
	}

	/**
	 * Whether an entry with this much time left to live is past its soft age and due for a
	 * refresh.
	 * @param nullValue whether the entry caches {@code null}
	 * @param remainingMillis the entry's remaining time-to-live
	 * @return whether to refresh it
	 */
	boolean isDueForRefresh(boolean nullValue, long remainingMillis) {
		if (this.loading.refreshAhead() == 0 || remainingMillis < 0) {
			return false;
		}
		long ttl = (nullValue ? this.nullTtl : this.ttl).toMillis();
		return remainingMillis <= ttl * (1 - this.loading.refreshAhead());
	}

	/**
	 * How values are loaded after a miss and refreshed before they expire.
	 *
	 * @param lock whether a load after a {@code sync = true} miss takes a lock in Redis, so
	 * that one caller in the whole deployment loads while the others wait for its value
	 * @param lockTtl when a lock expires if its holder never releases it
	 * @param lockWait how long a caller waits for another's load before it loads itself
	 * @param refreshAhead fraction of the TTL (0 for never, up to but excluding 1) after which
	 * a hit refreshes the entry in the background
	 */
	public record Loading(boolean lock, Duration lockTtl, Duration lockWait, double refreshAhead) {

		/**
		 * Locked loads with a 10 s lock and wait, no refresh-ahead.
		 */
		public static final Loading DEFAULT = new Loading(true, Duration.ofSeconds(10), Duration.ofSeconds(10), 0);

		public Loading {
			Assert.isTrue(refreshAhead >= 0 && refreshAhead < 1, "refreshAhead must be in [0, 1)");
			Assert.isTrue(lockTtl.toMillis() > 0, "lockTtl must be positive");
		}

	}

	/**
	 * An in-memory near cache in front of Redis.
	 *
	 * @param maxSize most entries kept
	 * @param ttl how long an entry is kept after it was read from Redis or written
	 */
	public record NearCache(long maxSize, Duration ttl) {

		public NearCache {
			Assert.isTrue(maxSize > 0, "maxSize must be positive");
			Assert.isTrue(ttl.toMillis() > 0, "ttl must be positive");
		}

	}

}

package dev.redisboot.cache;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import dev.redisboot.core.codec.ValueEnvelope;
import org.jspecify.annotations.Nullable;

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
 */
public record CacheSettings(Duration ttl, double ttlJitter, @Nullable Duration timeToIdle, boolean cacheNulls,
		Duration nullTtl, ValueEnvelope envelope) {

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

}

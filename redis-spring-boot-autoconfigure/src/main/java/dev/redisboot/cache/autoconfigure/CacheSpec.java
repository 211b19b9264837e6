package dev.redisboot.cache.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Settings of one cache, {@code redisboot.cache.caches.<name>.*}; unset values fall back to
 * the defaults of {@link RedisbootCacheProperties}.
 *
 * @author redisboot
 */
public class CacheSpec {

	/**
	 * Time-to-live of this cache's entries.
	 */
	private @Nullable Duration ttl;

	/**
	 * Random shortening of each entry's time-to-live, such as '10%' (0% to 50%).
	 */
	private @Nullable String ttlJitter;

	/**
	 * Time-to-idle: a read extends the entry's life to this duration again.
	 */
	private @Nullable Duration timeToIdle;

	/**
	 * Whether null results are cached.
	 */
	private @Nullable Boolean cacheNulls;

	/**
	 * Whether entries are stored under an HMAC digest of their key (keyed with
	 * redisboot.key-digest-secret) instead of the key itself, for caches keyed by e-mail
	 * addresses or other personal data. Such a cache cannot be evicted by pattern.
	 */
	private boolean digestKeys;

	/**
	 * Whether loads, writes and evictions of this cache are recorded in the audit trail
	 * (who, which key digest; never a key in clear or a value), sampled and bounded by
	 * 'redisboot.cache.audit.*', for caches that hold personal data.
	 */
	private boolean audit;

	/**
	 * Time-to-live of cached null results.
	 */
	private @Nullable Duration nullTtl;

	/**
	 * Whether every @Cacheable of this cache loads a missing value once across the
	 * deployment, as @Cacheable(sync = true) always does.
	 */
	private @Nullable Boolean stampedeProtection;

	/**
	 * How long the lock of a load lives if its holder dies without releasing it.
	 */
	private @Nullable Duration lockTtl;

	/**
	 * How long a caller waits for another caller's load before it loads the value itself.
	 */
	private @Nullable Duration lockWait;

	/**
	 * Age, as a percentage of the TTL such as '80%', after which a hit returns the value
	 * and refreshes it in the background (once across the deployment).
	 */
	private @Nullable String refreshAhead;

	private final NearCache nearCache = new NearCache();

	private final Compression compression = new Compression();

	private final Encryption encryption = new Encryption();

	public @Nullable Boolean getStampedeProtection() {
		return this.stampedeProtection;
	}

	public void setStampedeProtection(@Nullable Boolean stampedeProtection) {
		this.stampedeProtection = stampedeProtection;
	}

	public @Nullable Duration getLockTtl() {
		return this.lockTtl;
	}

	public void setLockTtl(@Nullable Duration lockTtl) {
		this.lockTtl = lockTtl;
	}

	public @Nullable Duration getLockWait() {
		return this.lockWait;
	}

	public void setLockWait(@Nullable Duration lockWait) {
		this.lockWait = lockWait;
	}

	public @Nullable String getRefreshAhead() {
		return this.refreshAhead;
	}

	public void setRefreshAhead(@Nullable String refreshAhead) {
		this.refreshAhead = refreshAhead;
	}

	public NearCache getNearCache() {
		return this.nearCache;
	}

	public @Nullable Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(@Nullable Duration ttl) {
		this.ttl = ttl;
	}

	public @Nullable String getTtlJitter() {
		return this.ttlJitter;
	}

	public void setTtlJitter(@Nullable String ttlJitter) {
		this.ttlJitter = ttlJitter;
	}

	public @Nullable Duration getTimeToIdle() {
		return this.timeToIdle;
	}

	public void setTimeToIdle(@Nullable Duration timeToIdle) {
		this.timeToIdle = timeToIdle;
	}

	public @Nullable Boolean getCacheNulls() {
		return this.cacheNulls;
	}

	public boolean isAudit() {
		return this.audit;
	}

	public void setAudit(boolean audit) {
		this.audit = audit;
	}

	public boolean isDigestKeys() {
		return this.digestKeys;
	}

	public void setDigestKeys(boolean digestKeys) {
		this.digestKeys = digestKeys;
	}

	public void setCacheNulls(@Nullable Boolean cacheNulls) {
		this.cacheNulls = cacheNulls;
	}

	public @Nullable Duration getNullTtl() {
		return this.nullTtl;
	}

	public void setNullTtl(@Nullable Duration nullTtl) {
		this.nullTtl = nullTtl;
	}

	public Compression getCompression() {
		return this.compression;
	}

	public Encryption getEncryption() {
		return this.encryption;
	}

	/**
	 * Near cache of one cache; unset values fall back to 'redisboot.cache.near-cache'.
	 */
	public static class NearCache {

		/**
		 * Whether this cache keeps recently used values in memory in front of Redis.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Most entries the near cache keeps.
		 */
		private @Nullable Long maxSize;

		/**
		 * How long the near cache keeps an entry: how long an instance may serve a value
		 * after its Redis entry changed without the cache. At most the cache's TTL.
		 */
		private @Nullable Duration ttl;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Long getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(@Nullable Long maxSize) {
			this.maxSize = maxSize;
		}

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

	}

	/**
	 * Compression of one cache's values; unset values fall back to 'redisboot.cache.compression'.
	 */
	public static class Compression {

		/**
		 * Whether values larger than 'compress-above' are compressed.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Size above which a value is compressed.
		 */
		private @Nullable DataSize compressAbove;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable DataSize getCompressAbove() {
			return this.compressAbove;
		}

		public void setCompressAbove(@Nullable DataSize compressAbove) {
			this.compressAbove = compressAbove;
		}

	}

	/**
	 * Encryption of one cache's values; the keys are those of 'redisboot.cache.encryption'.
	 */
	public static class Encryption {

		/**
		 * Whether this cache's values are encrypted at rest with AES-GCM.
		 */
		private @Nullable Boolean enabled;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

	}

}

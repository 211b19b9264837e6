package dev.redisboot.cache.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.redisboot.cache.CacheFailureMode;
import dev.redisboot.core.autoconfigure.CircuitBreakerProperties;
import dev.redisboot.core.autoconfigure.EncryptionKeysProperties;
import dev.redisboot.core.codec.CompressionCodec;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties of redisboot's Redis caches.
 *
 * @author redisboot
 */
@ConfigurationProperties("redisboot.cache")
public class RedisbootCacheProperties {

	/**
	 * Whether to auto-configure the redisboot cache manager (and enable caching).
	 */
	private boolean enabled = true;

	/**
	 * Time-to-live of entries in caches that do not set their own.
	 */
	private Duration defaultTtl = Duration.ofHours(1);

	/**
	 * Random shortening of each entry's time-to-live, as a percentage such as '10%' (0% to
	 * 50%), so that entries written together do not expire together. The configured TTL stays
	 * the upper bound.
	 */
	private String ttlJitter = "0%";

	/**
	 * Time-to-idle of entries in caches that do not set their own: a read extends the entry's
	 * life to this duration again. Not set by default.
	 */
	private @Nullable Duration timeToIdle;

	/**
	 * Whether null results are cached, in caches that do not say otherwise.
	 */
	private boolean cacheNulls = false;

	/**
	 * Time-to-live of cached null results, shorter than the value TTL: negative caching
	 * against look-ups of ids that do not exist.
	 */
	private Duration nullTtl = Duration.ofMinutes(1);

	/**
	 * Whether caches that are not listed under 'redisboot.cache.caches' are created on first
	 * use with the defaults. When false, startup fails if code uses an unlisted cache.
	 */
	private boolean allowUnlisted = true;

	/**
	 * What caches do when Redis fails or times out: 'degrade' (reads miss, writes are dropped,
	 * both counted; a circuit breaker stops calling Redis for a while) or 'fail' (the error
	 * reaches the caller).
	 */
	private CacheFailureMode onFailure = CacheFailureMode.DEGRADE;

	/**
	 * Longest time a single cache command may take before it counts as a Redis failure,
	 * whatever 'spring.data.redis.timeout' says.
	 */
	private Duration timeout = Duration.ofMillis(500);

	/**
	 * Packages (with their sub-packages) whose types may be stored in caches and read back,
	 * in addition to the application's own packages (those of @SpringBootApplication) and
	 * safe JDK types. Values of any other type are not cached, and JSON naming another type
	 * is refused.
	 */
	private List<String> allowedPackages = new ArrayList<>();

	/**
	 * Whether every @Cacheable of caches that do not say otherwise loads a missing value once
	 * across the deployment, as @Cacheable(sync = true) always does: one caller loads while
	 * the others, in every instance, wait for its value.
	 */
	private boolean stampedeProtection = false;

	/**
	 * How long the lock of a load lives if its holder dies without releasing it, in caches
	 * that do not set their own. Should exceed the slowest load.
	 */
	private Duration lockTtl = Duration.ofSeconds(10);

	/**
	 * How long a caller waits for another caller's load before it loads the value itself,
	 * in caches that do not set their own.
	 */
	private Duration lockWait = Duration.ofSeconds(10);

	/**
	 * Age, as a percentage of the TTL such as '80%', after which a hit returns the value and
	 * refreshes it in the background (once across the deployment), in caches that do not
	 * set their own. Needs @Cacheable(sync = true) or stampede protection. Not set by
	 * default.
	 */
	private @Nullable String refreshAhead;

	/**
	 * Threads that refresh entries in the background.
	 */
	private int refreshThreads = 4;

	private final NearCache nearCache = new NearCache();

	private final Compression compression = new Compression();

	private final Encryption encryption = new Encryption();

	/**
	 * Circuit breaker that stops calling Redis during an outage.
	 */
	@NestedConfigurationProperty
	private final CircuitBreakerProperties circuitBreaker = new CircuitBreakerProperties();

	private final Warming warming = new Warming();

	private final ServerTiming serverTiming = new ServerTiming();

	private final Audit audit = new Audit();

	/**
	 * Caches with their own settings, by cache name.
	 */
	private Map<String, CacheSpec> caches = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getDefaultTtl() {
		return this.defaultTtl;
	}

	public void setDefaultTtl(Duration defaultTtl) {
		this.defaultTtl = defaultTtl;
	}

	public String getTtlJitter() {
		return this.ttlJitter;
	}

	public void setTtlJitter(String ttlJitter) {
		this.ttlJitter = ttlJitter;
	}

	public @Nullable Duration getTimeToIdle() {
		return this.timeToIdle;
	}

	public void setTimeToIdle(@Nullable Duration timeToIdle) {
		this.timeToIdle = timeToIdle;
	}

	public boolean isCacheNulls() {
		return this.cacheNulls;
	}

	public void setCacheNulls(boolean cacheNulls) {
		this.cacheNulls = cacheNulls;
	}

	public Duration getNullTtl() {
		return this.nullTtl;
	}

	public void setNullTtl(Duration nullTtl) {
		this.nullTtl = nullTtl;
	}

	public boolean isAllowUnlisted() {
		return this.allowUnlisted;
	}

	public void setAllowUnlisted(boolean allowUnlisted) {
		this.allowUnlisted = allowUnlisted;
	}

	public CacheFailureMode getOnFailure() {
		return this.onFailure;
	}

	public void setOnFailure(CacheFailureMode onFailure) {
		this.onFailure = onFailure;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public List<String> getAllowedPackages() {
		return this.allowedPackages;
	}

	public void setAllowedPackages(List<String> allowedPackages) {
		this.allowedPackages = allowedPackages;
	}

	public boolean isStampedeProtection() {
		return this.stampedeProtection;
	}

	public void setStampedeProtection(boolean stampedeProtection) {
		this.stampedeProtection = stampedeProtection;
	}

	public Duration getLockTtl() {
		return this.lockTtl;
	}

	public void setLockTtl(Duration lockTtl) {
		this.lockTtl = lockTtl;
	}

	public Duration getLockWait() {
		return this.lockWait;
	}

	public void setLockWait(Duration lockWait) {
		this.lockWait = lockWait;
	}

	public @Nullable String getRefreshAhead() {
		return this.refreshAhead;
	}

	public void setRefreshAhead(@Nullable String refreshAhead) {
		this.refreshAhead = refreshAhead;
	}

	public int getRefreshThreads() {
		return this.refreshThreads;
	}

	public void setRefreshThreads(int refreshThreads) {
		this.refreshThreads = refreshThreads;
	}

	public ServerTiming getServerTiming() {
		return this.serverTiming;
	}

	public Audit getAudit() {
		return this.audit;
	}

	public NearCache getNearCache() {
		return this.nearCache;
	}

	public Compression getCompression() {
		return this.compression;
	}

	public Encryption getEncryption() {
		return this.encryption;
	}

	public CircuitBreakerProperties getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public Warming getWarming() {
		return this.warming;
	}

	public Map<String, CacheSpec> getCaches() {
		return this.caches;
	}

	public void setCaches(Map<String, CacheSpec> caches) {
		this.caches = caches;
	}

	/**
	 * In-memory near cache in front of Redis, kept consistent across instances by pub/sub
	 * invalidation messages.
	 */
	public static class NearCache {

		/**
		 * Whether caches that do not say otherwise keep recently used values in memory in
		 * front of Redis.
		 */
		private boolean enabled = false;

		/**
		 * Most entries a near cache keeps, in caches that do not set their own.
		 */
		private long maxSize = 10_000;

		/**
		 * How long a near cache keeps an entry, in caches that do not set their own: how long
		 * an instance may serve a value after its Redis entry changed without the cache
		 * (expired, evicted or rewritten in Redis directly). At most the cache's TTL.
		 */
		private Duration ttl = Duration.ofMinutes(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public long getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(long maxSize) {
			this.maxSize = maxSize;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

	}

	/**
	 * Compression of stored values.
	 */
	public static class Compression {

		/**
		 * Whether values larger than 'compress-above' are compressed, in caches that do not
		 * say otherwise. Values are readable either way, so this can be switched without a
		 * flush.
		 */
		private boolean enabled = true;

		/**
		 * Compression codec.
		 */
		private CompressionCodec codec = CompressionCodec.ZSTD;

		/**
		 * Size above which a value is compressed, in caches that do not set their own.
		 */
		private DataSize compressAbove = DataSize.ofKilobytes(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public CompressionCodec getCodec() {
			return this.codec;
		}

		public void setCodec(CompressionCodec codec) {
			this.codec = codec;
		}

		public DataSize getCompressAbove() {
			return this.compressAbove;
		}

		public void setCompressAbove(DataSize compressAbove) {
			this.compressAbove = compressAbove;
		}

	}

	/**
	 * Encryption of stored values at rest with AES-GCM.
	 */
	public static class Encryption extends EncryptionKeysProperties {

		/**
		 * Whether values are encrypted, in caches that do not say otherwise.
		 */
		private boolean enabled = false;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Cache warming at startup by CacheWarmer beans.
	 */
	public static class Warming {

		/**
		 * Longest time warming may take; warmers still running then are interrupted.
		 */
		private Duration timeout = Duration.ofSeconds(60);

		/**
		 * Whether the application waits for warming (up to the timeout) before it reports
		 * ready.
		 */
		private boolean waitForCompletion = false;

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public boolean isWaitForCompletion() {
			return this.waitForCompletion;
		}

		public void setWaitForCompletion(boolean waitForCompletion) {
			this.waitForCompletion = waitForCompletion;
		}

	}

	/**
	 * Server-Timing response header listing each request's cache accesses.
	 */
	public static class ServerTiming {

		/**
		 * Whether servlet responses get a Server-Timing header with the request's cache
		 * accesses (cache name, hit-near, hit-redis, miss, load, put, evict or clear, and
		 * milliseconds; never keys), shown by the browser's developer tools. Tells every
		 * client which caches a request used and whether they hit.
		 */
		private boolean enabled = false;

		/**
		 * Most cache accesses listed in one response's header; further ones are summed in a
		 * last entry.
		 */
		private int maxEntries = 10;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxEntries() {
			return this.maxEntries;
		}

		public void setMaxEntries(int maxEntries) {
			this.maxEntries = maxEntries;
		}

	}

	/**
	 * Audit of the caches marked 'redisboot.cache.caches.<name>.audit'.
	 */
	public static class Audit {

		/**
		 * Share of the accesses of an audited cache that are recorded, as a percentage such
		 * as '100%' or '10%' (above 0%, at most 100%). The others are counted, not recorded.
		 */
		private String sampleRate = "100%";

		/**
		 * Most records one audited cache writes per second (per instance); further accesses
		 * in the same second are counted as dropped.
		 */
		private int maxPerSecond = 100;

		/**
		 * Whether reads (hits and misses) of audited caches are recorded too, not only
		 * loads, writes and evictions.
		 */
		private boolean reads = false;

		/**
		 * How the actor (the authenticated principal) is recorded: 'digest' (a keyed digest,
		 * as the audit trail records other personal identifiers) or 'name' (in clear).
		 */
		private ActorForm actor = ActorForm.DIGEST;

		public String getSampleRate() {
			return this.sampleRate;
		}

		public void setSampleRate(String sampleRate) {
			this.sampleRate = sampleRate;
		}

		public int getMaxPerSecond() {
			return this.maxPerSecond;
		}

		public void setMaxPerSecond(int maxPerSecond) {
			this.maxPerSecond = maxPerSecond;
		}

		public boolean isReads() {
			return this.reads;
		}

		public void setReads(boolean reads) {
			this.reads = reads;
		}

		public ActorForm getActor() {
			return this.actor;
		}

		public void setActor(ActorForm actor) {
			this.actor = actor;
		}

		/**
		 * How an audit record names its actor.
		 */
		public enum ActorForm {

			/**
			 * A keyed digest of the principal's name.
			 */
			DIGEST,

			/**
			 * The principal's name in clear.
			 */
			NAME

		}

	}

}

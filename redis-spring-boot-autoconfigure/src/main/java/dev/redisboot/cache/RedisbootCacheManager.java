package dev.redisboot.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.redisboot.core.CacheStatistics;
import dev.redisboot.core.CacheStatisticsProvider;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.codec.CompressionCodec;
import dev.redisboot.core.json.TypeAllowlist;
import dev.redisboot.core.json.TypedJsonSerializer;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cache.Cache;
import org.springframework.cache.support.AbstractCacheManager;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.Assert;

/**
 * Cache manager of {@link RedisbootCache redisboot caches}: the caches listed in
 * configuration are created at startup with their own settings; others are created on first
 * use with the default settings, unless unlisted caches are not allowed. It reports each
 * cache's {@link #getCacheStatistics statistics} when its metrics keep counts.
 * <p>
 * The auto-configuration builds it with a {@link Builder}, which applications adjust with
 * {@code RedisbootCacheManagerBuilderCustomizer} beans.
 */
public class RedisbootCacheManager extends AbstractCacheManager implements DisposableBean, CacheStatisticsProvider {

	private final CacheRedisCommands commands;

	private final RedisKeyNamer keyNamer;

	private final TypedJsonSerializer serializer;

	private final CacheSettings defaultSettings;

	private final Map<String, CacheSettings> cacheSettings;

	private final boolean allowUnlisted;

	private final CacheFailureMode failureMode;

	private final RedisCircuitBreaker circuitBreaker;

	private final CacheMetricsFactory metricsFactory;

	private final @Nullable NearCacheInvalidation nearCacheInvalidation;

	private final int refreshThreads;

	private volatile @Nullable BackgroundRefresher refresher;

	private volatile @Nullable BackgroundRefresher asyncReads;

	private final KeyDigester keyDigester;

	private final List<CacheAccessListener> accessListeners;

	private final @Nullable CacheAudit audit;

	private RedisbootCacheManager(Builder builder) {
		this.commands = new CacheRedisCommands(builder.connectionFactory, builder.timeout);
		this.keyNamer = builder.keyNamer;
		this.serializer = new TypedJsonSerializer(builder.allowlist);
		this.defaultSettings = builder.defaultSettings;
		this.cacheSettings = Map.copyOf(builder.cacheSettings);
		this.allowUnlisted = builder.allowUnlisted;
		this.failureMode = builder.failureMode;
		this.circuitBreaker = builder.circuitBreaker;
		this.metricsFactory = builder.metricsFactory;
		this.nearCacheInvalidation = builder.nearCacheInvalidation;
		this.refreshThreads = builder.refreshThreads;
		this.keyDigester = builder.keyDigester;
		this.accessListeners = List.copyOf(builder.accessListeners);
		this.audit = builder.audit;
	}

	/**
	 * Starts building a cache manager.
	 * @param connectionFactory the application's connection factory
	 * @param keyNamer names the keys
	 * @param allowlist types that values may have
	 * @param defaultSettings settings of caches not listed in {@link Builder#cache}
	 * @return a builder
	 */
	public static Builder builder(LettuceConnectionFactory connectionFactory, RedisKeyNamer keyNamer,
			TypeAllowlist allowlist, CacheSettings defaultSettings) {
		return new Builder(connectionFactory, keyNamer, allowlist, defaultSettings);
	}

	@Override
	protected Collection<? extends Cache> loadCaches() {
		List<Cache> caches = new ArrayList<>();
		this.cacheSettings.forEach((name, settings) -> caches.add(createCache(name, settings)));
		return caches;
	}

	@Override
	protected @Nullable Cache getMissingCache(String name) {
		return this.allowUnlisted ? createCache(name, this.defaultSettings) : null;
	}

	/**
	 * Names of the caches listed in configuration.
	 * @return the listed names
	 */
	public Set<String> getListedCacheNames() {
		return this.cacheSettings.keySet();
	}

	/**
	 * Whether caches that are not listed are created on first use.
	 * @return whether unlisted caches are allowed
	 */
	public boolean isAllowUnlisted() {
		return this.allowUnlisted;
	}

	/**
	 * The circuit breaker shared by every cache of this manager.
	 * @return the breaker
	 */
	public RedisCircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * What one cache has counted, when the caches' metrics keep counts (with Micrometer).
	 * @param cacheName the cache's name
	 * @return the statistics, or {@code null} for a cache that does not exist (yet) or
	 * keeps no counts
	 */
	@Override
	public @Nullable CacheStatistics getCacheStatistics(String cacheName) {
		return (lookupCache(cacheName) instanceof RedisbootCache cache) ? cache.statistics() : null;
	}

	/**
	 * The time to live a cache is configured with ({@code redisboot.cache.caches.<name>.ttl},
	 * else the default).
	 * @param cacheName the cache's name
	 * @return the time to live
	 */
	@Override
	public Duration getCacheTimeToLive(String cacheName) {
		return this.cacheSettings.getOrDefault(cacheName, this.defaultSettings).ttl();
	}

	/**
	 * The pattern of one cache's entries, {@code [prefix:]cache:<name>:*}.
	 * @param cacheName the cache's name
	 * @return the pattern
	 */
	@Override
	public String getCacheKeyPattern(String cacheName) {
		return this.keyNamer.pattern(RedisbootCache.FEATURE, cacheName);
	}

	/**
	 * Whether a cache compresses large values ({@code redisboot.cache.caches.<name>.compression}).
	 * @param cacheName the cache's name
	 * @return whether a compression codec is configured
	 */
	@Override
	public Boolean isCacheCompressed(String cacheName) {
		return this.cacheSettings.getOrDefault(cacheName, this.defaultSettings)
			.envelope()
			.getCompressionCodec() != CompressionCodec.NONE;
	}

	private RedisbootCache createCache(String name, CacheSettings settings) {
		CacheSettings.NearCache nearCache = settings.nearCache();
		NearCacheInvalidation invalidation = this.nearCacheInvalidation;
		if (nearCache != null && invalidation == null) {
			throw new IllegalStateException("Cache '" + name
					+ "' has a near cache but the cache manager has no NearCacheInvalidation to keep it consistent");
		}
		CacheMetrics metrics = this.metricsFactory.create(name);
		CacheStore store = new CacheStore(name, settings, this.commands, this.serializer, this.failureMode,
				this.circuitBreaker, metrics);
		NearCacheTier near = (nearCache != null && invalidation != null)
				? NearCacheTier.of(name, nearCache, invalidation, store, metrics) : NearCacheTier.NONE;
		BackgroundRefresher refresher = (settings.loading().refreshAhead() > 0) ? refresher() : null;
		CacheAccessNotifier listeners = CacheAccessNotifier.of(name, accessListeners(name, metrics));
		CacheEntryLoader loader = new CacheEntryLoader(name, settings, store, near, metrics, this.keyNamer,
				this.keyDigester, refresher, listeners);
		return new RedisbootCache(name, settings, this.keyNamer, this.keyDigester, store, near, loader, metrics,
				(task) -> asyncReads().execute(task), listeners);
	}

	private List<CacheAccessListener> accessListeners(String name, CacheMetrics metrics) {
		CacheAudit audit = this.audit;
		if (audit == null || !audit.cacheNames().contains(name)) {
			return this.accessListeners;
		}
		List<CacheAccessListener> listeners = new ArrayList<>(this.accessListeners);
		listeners.add(new CacheAuditListener(name, audit, this.keyDigester, metrics, System::currentTimeMillis));
		return listeners;
	}

	private synchronized BackgroundRefresher refresher() {
		BackgroundRefresher refresher = this.refresher;
		if (refresher == null) {
			refresher = new BackgroundRefresher(this.refreshThreads);
			this.refresher = refresher;
		}
		return refresher;
	}

	/**
	 * The threads on which {@link RedisbootCache#retrieve} calls value loaders after a Redis
	 * reply (never on Lettuce's event loop) and clears a cache for a caller on an event loop,
	 * created on first use.
	 */
	private synchronized BackgroundRefresher asyncReads() {
		BackgroundRefresher asyncReads = this.asyncReads;
		if (asyncReads == null) {
			asyncReads = new BackgroundRefresher(this.refreshThreads, "redisboot-cache-async-");
			this.asyncReads = asyncReads;
		}
		return asyncReads;
	}

	/**
	 * Stops the background refreshes and asynchronous reads.
	 */
	@Override
	public void destroy() {
		BackgroundRefresher refresher = this.refresher;
		if (refresher != null) {
			refresher.close();
		}
		BackgroundRefresher asyncReads = this.asyncReads;
		if (asyncReads != null) {
			asyncReads.close();
		}
	}

	/**
	 * Builds a {@link RedisbootCacheManager}.
	 */
	public static final class Builder {

		private final LettuceConnectionFactory connectionFactory;

		private final RedisKeyNamer keyNamer;

		private final TypeAllowlist allowlist;

		private CacheSettings defaultSettings;

		private Duration timeout = Duration.ofMillis(500);

		private final Map<String, CacheSettings> cacheSettings = new LinkedHashMap<>();

		private boolean allowUnlisted = true;

		private CacheFailureMode failureMode = CacheFailureMode.DEGRADE;

		private RedisCircuitBreaker circuitBreaker = new RedisCircuitBreaker(3, Duration.ofSeconds(5),
				Clock.systemUTC());

		private CacheMetricsFactory metricsFactory = CacheMetricsFactory.NONE;

		private @Nullable NearCacheInvalidation nearCacheInvalidation;

		private int refreshThreads = 4;

		private KeyDigester keyDigester = KeyDigester.unkeyed();

		private final List<CacheAccessListener> accessListeners = new ArrayList<>();

		private @Nullable CacheAudit audit;

		private Builder(LettuceConnectionFactory connectionFactory, RedisKeyNamer keyNamer, TypeAllowlist allowlist,
				CacheSettings defaultSettings) {
			this.connectionFactory = connectionFactory;
			this.keyNamer = keyNamer;
			this.allowlist = allowlist;
			this.defaultSettings = defaultSettings;
		}

		/**
		 * Sets the settings of caches that are not listed.
		 * @param defaultSettings the settings
		 * @return this builder
		 */
		public Builder defaultSettings(CacheSettings defaultSettings) {
			this.defaultSettings = defaultSettings;
			return this;
		}

		/**
		 * Sets the longest a single Redis command of a cache may take, whatever the
		 * connection's own command timeout (default 500 ms).
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
			this.timeout = timeout;
			return this;
		}

		/**
		 * Lists a cache with its own settings; it is created at startup; a name listed
		 * again replaces the earlier settings.
		 * @param name the cache name
		 * @param settings its settings
		 * @return this builder
		 */
		public Builder cache(String name, CacheSettings settings) {
			Assert.hasText(name, "Cache name must not be empty");
			this.cacheSettings.put(name, settings);
			return this;
		}

		/**
		 * Sets whether caches that are not listed are created on first use (default
		 * {@code true}).
		 * @param allowUnlisted whether unlisted caches are allowed
		 * @return this builder
		 */
		public Builder allowUnlisted(boolean allowUnlisted) {
			this.allowUnlisted = allowUnlisted;
			return this;
		}

		/**
		 * Sets what caches do when Redis fails (default {@link CacheFailureMode#DEGRADE}).
		 * @param failureMode the failure mode
		 * @return this builder
		 */
		public Builder failureMode(CacheFailureMode failureMode) {
			this.failureMode = failureMode;
			return this;
		}

		/**
		 * Sets the circuit breaker shared by the caches.
		 * @param circuitBreaker the breaker
		 * @return this builder
		 */
		public Builder circuitBreaker(RedisCircuitBreaker circuitBreaker) {
			this.circuitBreaker = circuitBreaker;
			return this;
		}

		/**
		 * Sets how each cache's metrics are created.
		 * @param metricsFactory the factory
		 * @return this builder
		 */
		public Builder metrics(CacheMetricsFactory metricsFactory) {
			this.metricsFactory = metricsFactory;
			return this;
		}

		/**
		 * Sets the channel that keeps near caches consistent across instances; required when
		 * a cache has a near cache.
		 * @param nearCacheInvalidation the channel
		 * @return this builder
		 */
		public Builder nearCacheInvalidation(@Nullable NearCacheInvalidation nearCacheInvalidation) {
			this.nearCacheInvalidation = nearCacheInvalidation;
			return this;
		}

		/**
		 * Sets how many threads refresh entries in the background (default 4).
		 * @param refreshThreads the number of threads
		 * @return this builder
		 */
		public Builder refreshThreads(int refreshThreads) {
			Assert.isTrue(refreshThreads > 0, "refreshThreads must be positive");
			this.refreshThreads = refreshThreads;
			return this;
		}

		/**
		 * Sets how lock keys are digested (default: without a secret).
		 * @param keyDigester the digester, normally core's bean
		 * @return this builder
		 */
		public Builder keyDigester(KeyDigester keyDigester) {
			this.keyDigester = keyDigester;
			return this;
		}

		/**
		 * Adds a listener told of each access to the caches it
		 * {@link CacheAccessListener#supports supports}; listeners are called in the order
		 * they were added.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder accessListener(CacheAccessListener listener) {
			Assert.notNull(listener, "listener must not be null");
			this.accessListeners.add(listener);
			return this;
		}

		/**
		 * Sets which caches record their accesses in the audit trail, and how; their keys
		 * are digested with the {@link #keyDigester key digester}.
		 * @param audit the audit settings, or {@code null} for none
		 * @return this builder
		 */
		public Builder audit(@Nullable CacheAudit audit) {
			this.audit = audit;
			return this;
		}

		/**
		 * Builds the cache manager. Its caches are created by
		 * {@link AbstractCacheManager#afterPropertiesSet()}, which Spring calls for a bean.
		 * @return the cache manager
		 */
		public RedisbootCacheManager build() {
			return new RedisbootCacheManager(this);
		}

	}

}

package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import dev.redisboot.core.CacheStatistics;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.NonBlockingThreads;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.support.NullValue;

/**
 * A Spring {@link Cache} stored in Redis under {@code [prefix:]cache:<name>:<key>}. A read
 * or a write is one Redis round trip (an unreadable value costs one more to delete it).
 * Values are JSON of allowed types, optionally compressed and encrypted; a value that cannot
 * be read back is deleted and treated as a miss. When Redis fails, the cache follows its
 * {@link CacheFailureMode}.
 * <p>
 * For {@code @Cacheable(sync = true)} ({@link #get(Object, Callable)}) a miss is loaded once
 * in the whole deployment, under a lock in Redis; with refresh-ahead, a hit on an entry past
 * its soft age returns at once and refreshes the entry in the background, once across the
 * deployment. With a near cache, reads are served from memory, and changes are announced to
 * the other instances over {@link NearCacheInvalidation}.
 * <p>
 * Created by {@link RedisbootCacheManager}. Applications use it as a Spring {@link Cache};
 * {@link #evictMatching} and {@link #redisKey} are its own API.
 */
public class RedisbootCache implements Cache {

	static final String FEATURE = "cache";

	private final String name;

	private final CacheSettings settings;

	private final RedisKeyNamer keyNamer;

	private final KeyDigester keyDigester;

	private final CacheStore store;

	private final NearCacheTier near;

	private final CacheEntryLoader loader;

	private final CacheMetrics metrics;

	private final Executor asyncExecutor;

	private final @Nullable CacheAccessNotifier listeners;

	private final AsyncCacheEntryLoader asyncLoader;

	RedisbootCache(String name, CacheSettings settings, RedisKeyNamer keyNamer, KeyDigester keyDigester,
			CacheStore store, NearCacheTier near, CacheEntryLoader loader, CacheMetrics metrics,
			Executor asyncExecutor, @Nullable CacheAccessNotifier listeners) {
		this.name = name;
		this.settings = settings;
		this.keyNamer = keyNamer;
		this.keyDigester = keyDigester;
		this.store = store;
		this.near = near;
		this.loader = loader;
		this.metrics = metrics;
		this.asyncExecutor = asyncExecutor;
		this.listeners = listeners;
		this.asyncLoader = new AsyncCacheEntryLoader(settings, store, near, metrics, loader, asyncExecutor);
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Object getNativeCache() {
		return this.store.commands();
	}

	/**
	 * Settings this cache was created with.
	 * @return the settings
	 */
	public CacheSettings getSettings() {
		return this.settings;
	}

	/**
	 * What this cache has counted, when its metrics keep counts.
	 * @return the statistics, or {@code null} without them
	 */
	@Nullable CacheStatistics statistics() {
		return this.metrics.statistics();
	}

	/**
	 * Redis key of an entry.
	 * @param key the cache key
	 * @return the Redis key, such as {@code prod:cache:users:42}, or
	 * {@code prod:cache:users:<digest of 42>} with {@code digest-keys}
	 */
	public String redisKey(Object key) {
		String keyPart = CacheKeyConverter.toKeyPart(key);
		return this.keyNamer.key(FEATURE, this.name,
				this.settings.digestKeys() ? this.keyDigester.digest(FEATURE, keyPart) : keyPart);
	}

	@Override
	public @Nullable ValueWrapper get(Object key) {
		String redisKey = redisKey(key);
		long start = startTime();
		Lookup found = lookup(redisKey, false);
		lookedUp(key, found, start);
		if (found.value == null) {
			this.metrics.miss();
			PendingLoad.started(this.name, redisKey);
		}
		else {
			PendingLoad.clear();
			this.metrics.hit();
		}
		return found.value;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
		ValueWrapper wrapper = get(key);
		if (wrapper == null) {
			return null;
		}
		Object value = wrapper.get();
		if (value != null && type != null && !type.isInstance(value)) {
			throw new IllegalStateException(
					"Cached value is not of required type [" + type.getName() + "]: " + value.getClass().getName());
		}
		return (T) value;
	}

	/**
	 * Returns the cached value or computes it, for {@code @Cacheable(sync = true)}:
	 * concurrent misses on the same key in this JVM are coalesced, so the loader runs once
	 * and the other callers wait for its result (or its exception); across instances, the
	 * loading thread holds a lock in Redis that makes the others wait for its value. A
	 * loader that asks for its own key fails instead of waiting for itself. A hit on an
	 * entry past its soft age (refresh-ahead) is returned at once and refreshed in the
	 * background.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		String redisKey = redisKey(key);
		boolean refreshAhead = this.settings.loading().refreshAhead() > 0;
		long start = startTime();
		Lookup found = lookup(redisKey, refreshAhead);
		lookedUp(key, found, start);
		if (found.value != null) {
			this.metrics.hit();
			Object value = found.value.get();
			if (refreshAhead) {
				this.loader.refreshIfDue(redisKey, valueLoader, value, found.pttl);
			}
			return (T) value;
		}
		this.metrics.miss();
		return (T) this.loader.load(key, redisKey, valueLoader, found.epoch);
	}

	/**
	 * Looks the key up without blocking, for {@code @Cacheable} methods that return a
	 * {@code CompletableFuture} or a reactive type: a near-cache hit completes at once, a
	 * Redis read completes on Lettuce's event loop. The future completes with {@code null}
	 * for a miss (also when Redis is unavailable and the cache degrades) and with a
	 * {@link ValueWrapper} for a hit, which may hold a cached {@code null}, as Spring Data
	 * Redis's {@code RedisCache} does.
	 */
	@Override
	public CompletableFuture<?> retrieve(Object key) {
		long start = startTime();
		return lookupAsync(redisKey(key), false).thenApply((found) -> {
			lookedUp(key, found, start);
			if (found.value == null) {
				this.metrics.miss();
			}
			else {
				this.metrics.hit();
			}
			return found.value;
		});
	}

	/**
	 * Returns the cached value, or the loader's once it completes, without blocking, for
	 * {@code @Cacheable(sync = true)} methods that return a {@code CompletableFuture} or a
	 * reactive type. A miss is loaded once in the whole deployment, as
	 * {@link #get(Object, Callable)} loads it: concurrent retrieves in this JVM share one
	 * load, and a Redis lock makes other instances wait for its value (polling after a
	 * pause, without parking a thread). A {@code null} in the future is a cached or loaded
	 * {@code null}; the loader's failure completes the future and nothing is cached. A hit
	 * past its soft age (refresh-ahead) is returned at once and refreshed in the background.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		String redisKey = redisKey(key);
		boolean refreshAhead = this.settings.loading().refreshAhead() > 0;
		long start = startTime();
		return (CompletableFuture<T>) lookupAsync(redisKey, refreshAhead).thenCompose((found) -> {
			lookedUp(key, found, start);
			if (found.value != null) {
				this.metrics.hit();
				Object value = found.value.get();
				if (refreshAhead) {
					this.loader.refreshIfDue(redisKey, () -> valueLoader.get().join(), value, found.pttl);
				}
				return CompletableFuture.completedFuture(value);
			}
			this.metrics.miss();
			return this.asyncLoader.load(key, redisKey, valueLoader, found.epoch);
		});
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		String redisKey = redisKey(key);
		long loadNanos = PendingLoad.finish(this.name, redisKey);
		if (loadNanos >= 0) {
			this.metrics.load(loadNanos);
		}
		long start = startTime();
		write(redisKey, value);
		if (loadNanos >= 0) {
			notify(key, CacheAccess.Outcome.LOAD, loadNanos);
		}
		else {
			notifySince(key, CacheAccess.Outcome.PUT, start);
		}
	}

	private void write(String redisKey, @Nullable Object value) {
		Object stored = userValue(value);
		byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
		byte[] encoded = this.store.encode(keyBytes, stored);
		boolean eventLoop = NonBlockingThreads.isCurrent();
		if (encoded == null) {
			// Cache.put replaces the mapping: a value we cannot store must not leave the old one to be served
			this.metrics.refusedPut(this.store.refusedReason(stored));
			if (eventLoop) {
				this.store.unlinkAsync(keyBytes);
			}
			else {
				this.store.unlink(keyBytes);
			}
			this.near.removed(redisKey);
			return;
		}
		if (eventLoop) {
			// the put of a CompletableFuture or reactive method, on the thread that completed it: Spring's
			// contract asks for a write-through that does not block. Later commands of this instance follow
			// it on the same connection, so they see it.
			this.store.storeAsync(keyBytes, encoded, stored).thenAccept((written) -> {
				if (written) {
					this.near.changed(redisKey, stored);
				}
			});
			return;
		}
		if (this.store.store(keyBytes, encoded, stored)) {
			// Announced even when it follows a miss on this thread: that miss may be a stale
			// leftover of a call that failed. Loads of near-cached caches are synchronized and
			// store their value without a put, unannounced.
			this.near.changed(redisKey, stored);
		}
	}

	/**
	 * Spring's {@link NullValue} (passed by callers that store nulls themselves) stands for
	 * {@code null}.
	 */
	private static @Nullable Object userValue(@Nullable Object value) {
		return (value instanceof NullValue) ? null : value;
	}

	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		Object userValue = userValue(value);
		String redisKey = redisKey(key);
		long start = startTime();
		byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
		byte[] stored = this.store.encode(keyBytes, userValue);
		if (stored == null) {
			this.metrics.refusedPut(this.store.refusedReason(userValue));
			return this.store.read(keyBytes); // nothing to write: report what is there, without counting a read
		}
		for (int attempt = 0; attempt < 2; attempt++) {
			Boolean written = this.store.storeIfAbsent(keyBytes, stored, userValue);
			if (Boolean.TRUE.equals(written)) {
				this.near.changed(redisKey, userValue);
				notifySince(key, CacheAccess.Outcome.PUT, start);
				return null;
			}
			if (written == null) {
				return null; // Redis unavailable: nothing known, nothing stored
			}
			ValueWrapper existing = this.store.read(keyBytes);
			if (existing != null) {
				return existing;
			}
			// the entry there was unreadable (and is now deleted) or expired meanwhile: try once more
		}
		return null;
	}

	@Override
	public void evict(Object key) {
		evictIfPresent(key);
	}

	@Override
	public boolean evictIfPresent(Object key) {
		PendingLoad.clear();
		String redisKey = redisKey(key);
		long start = startTime();
		if (NonBlockingThreads.isCurrent()) {
			// @CacheEvict of a CompletableFuture or reactive method: deleted without waiting (later commands of
			// this instance follow on the same connection), so prior presence is not known
			this.store.unlinkAsync(redisKey.getBytes(StandardCharsets.UTF_8)).thenAccept(this::countEvictions);
			this.near.removed(redisKey);
			notifySince(key, CacheAccess.Outcome.EVICT, start);
			return false;
		}
		Long removed = this.store.unlink(redisKey.getBytes(StandardCharsets.UTF_8));
		if (removed != null && removed > 0) {
			this.metrics.evictions(removed);
		}
		// announced even when Redis had no entry: another instance may still hold one in memory
		this.near.removed(redisKey);
		notifySince(key, CacheAccess.Outcome.EVICT, start);
		return removed != null && removed > 0;
	}

	private void countEvictions(@Nullable Long removed) {
		if (removed != null && removed > 0) {
			this.metrics.evictions(removed);
		}
	}

	@Override
	public void clear() {
		invalidate();
	}

	@Override
	public boolean invalidate() {
		PendingLoad.clear();
		if (NonBlockingThreads.isCurrent()) {
			// clearing scans the keys, many round trips: done on a background thread, not on an event loop
			try {
				this.asyncExecutor.execute(this::invalidate);
			}
			catch (RejectedExecutionException ex) {
				this.metrics.dropped();
			}
			return false;
		}
		long start = startTime();
		Long removed = this.store.unlinkMatching(this.keyNamer.pattern(FEATURE, this.name));
		if (removed != null && removed > 0) {
			this.metrics.evictions(removed);
		}
		this.near.cleared();
		notifySince(null, CacheAccess.Outcome.CLEAR, start);
		return removed != null && removed > 0;
	}

	/**
	 * Removes the entries whose keys match a pattern in which {@code {}} placeholders stand
	 * for the given parts, each matched literally; other {@code *} and {@code ?} in the
	 * template are wildcards. {@code evictMatching("tenant:{}:*", tenantId)} removes every
	 * entry of one tenant even if the tenant id contains {@code *}.
	 * @param template the key pattern, relative to this cache
	 * @param parts the literal parts
	 * @return how many entries were removed (0 when Redis is unavailable and the cache
	 * degrades)
	 * @throws IllegalStateException if the cache digests its keys
	 */
	public long evictMatching(String template, Object... parts) {
		if (this.settings.digestKeys()) {
			throw new IllegalStateException("Cache '" + this.name + "' stores its entries under digests of their keys "
					+ "(redisboot.cache.caches." + this.name + ".digest-keys), so they cannot be matched by a pattern; "
					+ "evict them one by one or clear the cache");
		}
		String base = this.keyNamer.pattern(FEATURE, this.name);
		String pattern = base.substring(0, base.length() - 1) + KeyPatternTemplate.expand(template, parts);
		long start = startTime();
		Long removed = this.store.unlinkMatching(pattern);
		if (removed != null && removed > 0) {
			this.metrics.evictions(removed);
		}
		this.near.cleared();
		notifySince(null, CacheAccess.Outcome.CLEAR, start);
		return (removed != null) ? removed : 0;
	}

	/**
	 * Looks a key up in the near cache, then in Redis.
	 * @param withTtl whether to read the remaining time-to-live of a Redis hit too
	 */
	private Lookup lookup(String redisKey, boolean withTtl) {
		ValueWrapper local = this.near.get(redisKey);
		if (local != null) {
			return new Lookup(local, -1, 0, true);
		}
		long epoch = this.near.epoch();
		byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
		ValueWrapper value;
		long pttl = -1;
		if (withTtl) {
			CacheStore.TimedRead read = this.store.readWithTtl(keyBytes);
			value = read.value();
			pttl = read.pttl();
		}
		else {
			value = this.store.read(keyBytes);
		}
		if (value != null) {
			this.near.fill(redisKey, value.get(), epoch);
		}
		return new Lookup(value, pttl, epoch, false);
	}

	/**
	 * Looks a key up in the near cache, then in Redis, as {@link #lookup} does, without
	 * blocking.
	 */
	private CompletableFuture<Lookup> lookupAsync(String redisKey, boolean withTtl) {
		ValueWrapper local = this.near.get(redisKey);
		if (local != null) {
			return CompletableFuture.completedFuture(new Lookup(local, -1, 0, true));
		}
		long epoch = this.near.epoch();
		byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
		CompletableFuture<CacheStore.TimedRead> read = withTtl ? this.store.readWithTtlAsync(keyBytes)
				: this.store.readAsync(keyBytes).thenApply((value) -> new CacheStore.TimedRead(value, -1));
		return read.thenApply((found) -> {
			if (found.value() != null) {
				this.near.fill(redisKey, found.value().get(), epoch);
			}
			return new Lookup(found.value(), found.pttl(), epoch, false);
		});
	}

	/**
	 * The time an access started, read only when a listener will be told of it.
	 */
	private long startTime() {
		return (this.listeners != null) ? System.nanoTime() : 0;
	}

	private void lookedUp(Object key, Lookup found, long start) {
		CacheAccessNotifier listeners = this.listeners;
		if (listeners != null) {
			CacheAccess.Outcome outcome = (found.value == null) ? CacheAccess.Outcome.MISS
					: found.near ? CacheAccess.Outcome.HIT_NEAR : CacheAccess.Outcome.HIT_REDIS;
			listeners.notify(key, outcome, System.nanoTime() - start);
		}
	}

	private void notifySince(@Nullable Object key, CacheAccess.Outcome outcome, long start) {
		CacheAccessNotifier listeners = this.listeners;
		if (listeners != null) {
			listeners.notify(key, outcome, System.nanoTime() - start);
		}
	}

	private void notify(@Nullable Object key, CacheAccess.Outcome outcome, long nanos) {
		CacheAccessNotifier listeners = this.listeners;
		if (listeners != null) {
			listeners.notify(key, outcome, nanos);
		}
	}

	@Override
	public String toString() {
		return "RedisbootCache[" + this.name + "]";
	}

	/**
	 * What a look-up found: the value or {@code null} for a miss, the remaining TTL of a
	 * Redis hit when asked for ({@code -1} otherwise), the near-cache epoch before the Redis
	 * read, and whether the value came from the near cache.
	 */
	private record Lookup(@Nullable ValueWrapper value, long pttl, long epoch, boolean near) {
	}

}

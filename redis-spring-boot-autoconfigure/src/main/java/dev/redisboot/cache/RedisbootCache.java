package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.codec.ValueDecodingException;
import dev.redisboot.core.json.TypedJsonSerializer;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisCommandException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidTypeIdException;

import org.springframework.cache.Cache;
import org.springframework.cache.support.NullValue;
import org.springframework.cache.support.SimpleValueWrapper;
import org.springframework.util.Assert;

/**
 * A Spring {@link Cache} stored in Redis under {@code [prefix:]cache:<name>:<key>}. A read
 * or a write is one Redis round trip (an unreadable value costs one more to delete it).
 * Values are JSON of allowed types, optionally compressed and encrypted; a value that cannot
 * be read back is deleted and treated as a miss. When Redis fails, the cache follows its
 * {@link CacheFailureMode}.
 * <p>
 * For {@code @Cacheable(sync = true)} ({@link #get(Object, Callable)}) a miss is loaded once
 * in the whole deployment: concurrent misses in this JVM wait for one thread, which takes a
 * lock in Redis ({@code [prefix:]cache-lock:<name>:<key>}, {@code SET NX PX}, released by a
 * compare-and-delete script) so that callers in other instances wait for its value too;
 * a waiter whose wait runs out, or whose lock holder failed, loads itself. With refresh-ahead,
 * a hit on an entry past its soft age returns at once and refreshes the entry in the
 * background, once across the deployment. With a near cache, reads are served from memory,
 * and changes are announced to the other instances over {@link NearCacheInvalidation}.
 */
public class RedisbootCache implements Cache {

	static final String FEATURE = "cache";

	static final String LOCK_FEATURE = "cache-lock";

	private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

	private static final Log logger = LogFactory.getLog(RedisbootCache.class);

	private static final int MAX_REFUSED_TYPES_WARNED = 10;

	/** A type id that may be quoted in a log line: a Java class name, nothing else. */
	private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*){0,30}");

	/**
	 * The miss this thread's caller is computing a value for: cache name, Redis key and
	 * start time, so that the matching put records the load time. JDK types only, so a
	 * pooled thread never pins the application's class loader.
	 */
	private static final ThreadLocal<Object @Nullable []> pendingLoad = new ThreadLocal<>();

	private final String name;

	private final CacheSettings settings;

	private final CacheRedisCommands commands;

	private final RedisKeyNamer keyNamer;

	private final TypedJsonSerializer serializer;

	private final CacheFailureMode failureMode;

	private final RedisCircuitBreaker circuitBreaker;

	private final CacheMetrics metrics;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private final ConcurrentMap<String, Load> loads = new ConcurrentHashMap<>();

	private final Set<String> refreshing = ConcurrentHashMap.newKeySet();

	private final Set<String> refusedTypes = ConcurrentHashMap.newKeySet();

	private final String keyStart;

	private final @Nullable NearCacheLayer near;

	private final @Nullable NearCacheInvalidation invalidation;

	private final @Nullable BackgroundRefresher refresher;

	private final KeyDigester keyDigester;

	private final Executor asyncExecutor;

	RedisbootCache(String name, CacheSettings settings, CacheRedisCommands commands, RedisKeyNamer keyNamer,
			TypedJsonSerializer serializer, CacheFailureMode failureMode, RedisCircuitBreaker circuitBreaker,
			CacheMetrics metrics, @Nullable NearCacheInvalidation invalidation,
			@Nullable BackgroundRefresher refresher, KeyDigester keyDigester, Executor asyncExecutor) {
		this.name = name;
		this.keyDigester = keyDigester;
		this.asyncExecutor = asyncExecutor;
		this.settings = settings;
		this.commands = commands;
		this.keyNamer = keyNamer;
		this.serializer = serializer;
		this.failureMode = failureMode;
		this.circuitBreaker = circuitBreaker;
		this.metrics = metrics;
		this.keyStart = keyNamer.key(FEATURE, name, "");
		if (settings.nearCache() != null) {
			Assert.notNull(invalidation, () -> "Near cache of cache '" + name + "' needs an invalidation channel");
			this.near = new NearCacheLayer(settings.nearCache());
			invalidation.register(name, this.near, metrics);
			this.invalidation = invalidation;
		}
		else {
			this.near = null;
			this.invalidation = null;
		}
		Assert.isTrue(settings.loading().refreshAhead() == 0 || refresher != null,
				() -> "Refresh-ahead of cache '" + name + "' needs a background refresher");
		this.refresher = refresher;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Object getNativeCache() {
		return this.commands;
	}

	/**
	 * Settings this cache was created with.
	 * @return the settings
	 */
	public CacheSettings getSettings() {
		return this.settings;
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
		Lookup found = lookup(redisKey, false);
		if (found.value == null) {
			this.metrics.miss();
			pendingLoad.set(new Object[] { this.name, redisKey, System.nanoTime() });
		}
		else {
			pendingLoad.remove();
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
		Lookup found = lookup(redisKey, refreshAhead);
		if (found.value != null) {
			this.metrics.hit();
			Object value = found.value.get();
			if (refreshAhead && this.settings.isDueForRefresh(value == null, found.pttl)) {
				refreshInBackground(redisKey, valueLoader);
			}
			return (T) value;
		}
		this.metrics.miss();
		Load load = new Load(Thread.currentThread());
		Load inFlight = this.loads.putIfAbsent(redisKey, load);
		if (inFlight != null) {
			if (inFlight.owner == Thread.currentThread()) {
				throw new IllegalStateException("Recursive load of key '" + redisKey + "' in cache '" + this.name
						+ "': the value loader asked for its own key");
			}
			return (T) inFlight.await(key, valueLoader);
		}
		try {
			T value = (T) loadOnce(redisKey, valueLoader, found.epoch);
			load.result.complete(value);
			return value;
		}
		catch (Exception ex) {
			load.result.completeExceptionally(ex);
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
		catch (Error ex) {
			load.result.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.loads.remove(redisKey, load);
		}
	}

	/**
	 * Loads a missing value once across the deployment: takes the Redis lock of the key and
	 * loads, or waits (polling Redis with a growing back-off) until the lock holder's value
	 * appears, the lock is free again (its holder failed: take it and load), or the wait
	 * runs out (load without the lock). Without Redis there is nobody to coordinate with,
	 * and the value is loaded at once.
	 */
	private @Nullable Object loadOnce(String redisKey, Callable<?> loader, long epoch) throws Exception {
		byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
		if (!this.settings.loading().lock()) {
			ValueWrapper meanwhile = read(keyBytes); // another thread may have stored it since our read
			return (meanwhile != null) ? fill(redisKey, meanwhile, epoch) : loadAndStore(redisKey, loader, epoch);
		}
		byte[] lockKey = lockKey(redisKey);
		byte[] token = newToken();
		long lockTtl = this.settings.loading().lockTtl().toMillis();
		long start = System.nanoTime();
		long deadline = start + this.settings.loading().lockWait().toNanos();
		long backoff = MIN_BACKOFF_NANOS;
		boolean waited = false;
		while (true) {
			Boolean locked = redis(false, () -> this.commands.tryLock(lockKey, token, lockTtl));
			if (locked == null) {
				return loadAndStore(redisKey, loader, epoch);
			}
			if (locked) {
				try {
					if (waited) {
						this.metrics.lockWait(System.nanoTime() - start, "took-over");
					}
					ValueWrapper meanwhile = read(keyBytes); // stored by a holder that released before we asked
					return (meanwhile != null) ? fill(redisKey, meanwhile, epoch)
							: loadAndStore(redisKey, loader, epoch);
				}
				finally {
					redis(false, () -> this.commands.unlock(lockKey, token));
				}
			}
			waited = true;
			long now = System.nanoTime();
			if (now - deadline >= 0) {
				this.metrics.lockWait(now - start, "timeout");
				// the key is not quoted: applications key caches by e-mail addresses and the like
				this.warnOnce.warn("lock-timeout", "Gave up waiting " + this.settings.loading().lockWait().toMillis()
						+ " ms for another instance to load a key of cache '" + this.name
						+ "'; loading it here too. Raise redisboot.cache.caches." + this.name
						+ ".lock-wait if loads take longer.", null);
				removeForeignLock(lockKey);
				return loadAndStore(redisKey, loader, epoch);
			}
			LockSupport.parkNanos(Math.min(backoff, deadline - now));
			if (Thread.interrupted()) {
				Thread.currentThread().interrupt();
				throw new InterruptedException("Interrupted while waiting for another load of key '" + redisKey + "'");
			}
			backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
			ValueWrapper appeared = read(keyBytes);
			if (appeared != null) {
				this.metrics.lockWait(System.nanoTime() - start, "value");
				return fill(redisKey, appeared, epoch);
			}
		}
	}

	private @Nullable Object loadAndStore(String redisKey, Callable<?> loader, long epoch) throws Exception {
		long start = System.nanoTime();
		Object value = loader.call();
		this.metrics.load(System.nanoTime() - start);
		if (write(redisKey.getBytes(StandardCharsets.UTF_8), value) && this.near != null) {
			this.near.fill(redisKey, value, epoch);
		}
		return value;
	}

	private @Nullable Object fill(String redisKey, ValueWrapper found, long epoch) {
		if (this.near != null) {
			this.near.fill(redisKey, found.get(), epoch);
		}
		return found.get();
	}

	/**
	 * Refreshes an entry past its soft age on a background thread, unless this JVM is
	 * already refreshing it or another instance holds its lock; the lock holder checks the
	 * entry's age again, so an entry refreshed meanwhile is not refreshed twice.
	 */
	private void refreshInBackground(String redisKey, Callable<?> loader) {
		BackgroundRefresher refresher = this.refresher;
		if (refresher == null || !this.refreshing.add(redisKey)) {
			return;
		}
		boolean queued = refresher.submit(() -> {
			try {
				refresh(redisKey, loader);
			}
			finally {
				this.refreshing.remove(redisKey);
			}
		});
		if (!queued) {
			this.refreshing.remove(redisKey);
			this.metrics.refresh("rejected");
		}
	}

	private void refresh(String redisKey, Callable<?> loader) {
		byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
		byte[] lockKey = lockKey(redisKey);
		byte[] token = newToken();
		Boolean locked = redis(false,
				() -> this.commands.tryLock(lockKey, token, this.settings.loading().lockTtl().toMillis()));
		if (!Boolean.TRUE.equals(locked)) {
			return; // another instance is refreshing or loading it, or Redis is unavailable
		}
		try {
			Long remaining = redis(false, () -> this.commands.pttl(keyBytes));
			if (remaining == null || remaining < 0 || !this.settings.isDueForRefresh(false, remaining)) {
				return; // evicted, or refreshed by someone else since our read
			}
			long start = System.nanoTime();
			Object value = loader.call();
			this.metrics.load(System.nanoTime() - start);
			if (write(keyBytes, value)) {
				changed(redisKey, value);
			}
			this.metrics.refresh("success");
		}
		catch (Exception ex) {
			this.metrics.refresh("failure");
			this.warnOnce.warn("refresh", "Background refresh of an entry of cache '" + this.name
					+ "' failed; the current value is served until it expires", ex);
		}
		finally {
			redis(false, () -> this.commands.unlock(lockKey, token));
		}
	}

	/**
	 * Looks the key up on a background thread (the Redis client here is blocking), for
	 * {@code @Cacheable} methods that return a {@code CompletableFuture} or a reactive type.
	 * The future completes with {@code null} for a miss and with a {@link ValueWrapper} for
	 * a hit, which may hold a cached {@code null}; with {@code null} at once, as a miss,
	 * when too many look-ups are queued.
	 */
	@Override
	public @Nullable CompletableFuture<?> retrieve(Object key) {
		String redisKey = redisKey(key);
		try {
			return CompletableFuture.supplyAsync(() -> {
				Lookup found = lookup(redisKey, false);
				if (found.value == null) {
					this.metrics.miss();
				}
				else {
					this.metrics.hit();
				}
				return found.value;
			}, this.asyncExecutor);
		}
		catch (RejectedExecutionException ex) {
			this.metrics.miss();
			return null;
		}
	}

	/**
	 * Returns the cached value, or the loader's once it completes, storing it in the
	 * background. Redis is read on a background thread; the loader's future is not
	 * synchronized across callers (use {@code @Cacheable(sync = true)} on a plain method for
	 * that). A {@code null} in the future is a cached or loaded {@code null}.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, java.util.function.Supplier<CompletableFuture<T>> valueLoader) {
		String redisKey = redisKey(key);
		CompletableFuture<Lookup> lookup;
		try {
			lookup = CompletableFuture.supplyAsync(() -> lookup(redisKey, false), this.asyncExecutor);
		}
		catch (RejectedExecutionException ex) {
			this.metrics.miss();
			return valueLoader.get();
		}
		return lookup.thenCompose((found) -> {
			if (found.value != null) {
				this.metrics.hit();
				return CompletableFuture.completedFuture((T) found.value.get());
			}
			this.metrics.miss();
			long start = System.nanoTime();
			return valueLoader.get().thenApply((value) -> {
				this.metrics.load(System.nanoTime() - start);
				try {
					this.asyncExecutor.execute(() -> {
						if (write(redisKey.getBytes(StandardCharsets.UTF_8), value) && this.near != null) {
							this.near.fill(redisKey, value, found.epoch);
						}
					});
				}
				catch (RejectedExecutionException ex) {
					this.metrics.dropped();
				}
				return value;
			});
		});
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		String redisKey = redisKey(key);
		Object[] load = pendingLoad.get();
		if (load != null) {
			pendingLoad.remove();
			if (this.name.equals(load[0]) && redisKey.equals(load[1])) {
				this.metrics.load(System.nanoTime() - (Long) load[2]);
			}
		}
		Object stored = userValue(value);
		byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
		byte[] encoded = encode(keyBytes, stored);
		if (encoded == null) {
			// Cache.put replaces the mapping: a value we cannot store must not leave the old one to be served
			removeRefused(redisKey, keyBytes, stored);
			return;
		}
		if (store(keyBytes, encoded, stored)) {
			// Announced even when it follows a miss on this thread: that miss may be a stale
			// leftover of a call that failed. Loads of near-cached caches are synchronized and
			// store their value without a put, unannounced.
			changed(redisKey, stored);
		}
	}

	/**
	 * Removes the entry of a put that could not be stored, here and in every near cache.
	 */
	private void removeRefused(String redisKey, byte[] keyBytes, @Nullable Object value) {
		this.metrics.refusedPut(refusedReason(value));
		redis(true, () -> this.commands.unlink(keyBytes));
		if (this.near != null && this.invalidation != null) {
			this.near.invalidate(redisKey);
			publish(this.invalidation.keyMessage(this.name, redisKey));
		}
	}

	private String refusedReason(@Nullable Object value) {
		if (value == null) {
			return "null";
		}
		return this.serializer.canStore(value.getClass()) ? "encode" : "type";
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
		byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
		byte[] stored = encode(keyBytes, userValue);
		if (stored == null) {
			this.metrics.refusedPut(refusedReason(userValue));
			return read(keyBytes); // nothing to write: report what is there, without counting a read
		}
		for (int attempt = 0; attempt < 2; attempt++) {
			Boolean written = redis(true, () -> this.commands.setIfAbsent(keyBytes, stored,
					this.settings.nextTtlMillis(userValue == null)));
			if (Boolean.TRUE.equals(written)) {
				this.metrics.put();
				changed(redisKey, userValue);
				return null;
			}
			if (written == null) {
				return null; // Redis unavailable: nothing known, nothing stored
			}
			ValueWrapper existing = read(keyBytes);
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
		pendingLoad.remove();
		String redisKey = redisKey(key);
		Long removed = redis(true, () -> this.commands.unlink(redisKey.getBytes(StandardCharsets.UTF_8)));
		if (removed != null && removed > 0) {
			this.metrics.evictions(removed);
		}
		if (this.near != null && this.invalidation != null) {
			// announced even when Redis had no entry: another instance may still hold one in memory
			this.near.invalidate(redisKey);
			publish(this.invalidation.keyMessage(this.name, redisKey));
		}
		return removed != null && removed > 0;
	}

	@Override
	public void clear() {
		invalidate();
	}

	@Override
	public boolean invalidate() {
		pendingLoad.remove();
		Long removed = redis(true, () -> this.commands.unlinkMatching(this.keyNamer.pattern(FEATURE, this.name)));
		if (removed != null && removed > 0) {
			this.metrics.evictions(removed);
		}
		clearNearCaches();
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
		Long removed = redis(true, () -> this.commands.unlinkMatching(pattern));
		if (removed != null && removed > 0) {
			this.metrics.evictions(removed);
		}
		clearNearCaches();
		return (removed != null) ? removed : 0;
	}

	/**
	 * Records a change of an entry made here: this instance's near cache takes the new
	 * value and the others are told to drop theirs.
	 */
	private void changed(String redisKey, @Nullable Object value) {
		if (this.near != null && this.invalidation != null) {
			this.near.changed(redisKey, value);
			publish(this.invalidation.keyMessage(this.name, redisKey));
		}
	}

	private void clearNearCaches() {
		if (this.near != null && this.invalidation != null) {
			this.near.clear();
			publish(this.invalidation.clearMessage(this.name));
		}
	}

	private void publish(byte[] message) {
		NearCacheInvalidation invalidation = this.invalidation;
		if (invalidation != null) {
			redis(true, () -> {
				this.commands.publish(invalidation.channel(), message);
				return Boolean.TRUE;
			});
		}
	}

	/**
	 * Looks a key up in the near cache, then in Redis.
	 * @param withTtl whether to read the remaining time-to-live of a Redis hit too
	 */
	private Lookup lookup(String redisKey, boolean withTtl) {
		long epoch = 0;
		NearCacheLayer near = this.near;
		if (near != null) {
			ValueWrapper local = near.get(redisKey);
			this.metrics.nearCache(local != null);
			if (local != null) {
				return new Lookup(local, -1, 0);
			}
			epoch = near.epoch();
		}
		byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
		ValueWrapper value;
		long pttl = -1;
		if (withTtl) {
			CacheRedisCommands.ValueWithTtl stored = redis(false,
					() -> this.commands.getWithTtl(keyBytes, this.near != null));
			value = (stored != null) ? decode(keyBytes, stored.value()) : null;
			pttl = (stored != null) ? stored.pttl() : -1;
		}
		else {
			value = read(keyBytes);
		}
		if (value != null && near != null) {
			near.fill(redisKey, value.get(), epoch);
		}
		return new Lookup(value, pttl, epoch);
	}

	/**
	 * Lock key of an entry: {@code [prefix:]cache-lock:<name>:<digest of the cache key>}, so
	 * that a lock never shows the key (an e-mail address, say) in clear.
	 */
	private byte[] lockKey(String redisKey) {
		String keyPart = redisKey.substring(this.keyStart.length());
		return this.keyNamer.key(LOCK_FEATURE, this.name, this.keyDigester.digest(LOCK_FEATURE, keyPart))
			.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Deletes a lock that never expires: redisboot always sets a TTL, so it was written by
	 * something else (or is garbage) and would make every load of the key wait in vain.
	 */
	private void removeForeignLock(byte[] lockKey) {
		Long pttl = redis(false, () -> this.commands.pttl(lockKey));
		if (pttl != null && pttl == -1) {
			redis(true, () -> this.commands.unlink(lockKey));
			this.metrics.decodeError("foreign-lock");
			this.warnOnce.warn("foreign-lock", "Deleted a lock of cache '" + this.name
					+ "' that had no expiry, so it was not written by redisboot; loads of its key waited for it", null);
		}
	}

	private static byte[] newToken() {
		byte[] token = new byte[16];
		ThreadLocalRandom.current().nextBytes(token);
		return token;
	}

	private @Nullable ValueWrapper read(byte[] redisKey) {
		// a near cache fills from this read: from the primary, never from a lagging replica (GETEX, the
		// time-to-idle read, always goes to the primary)
		byte[] stored = redis(false, () -> (this.settings.timeToIdle() != null)
				? this.commands.getAndExpire(redisKey, this.settings.timeToIdle().toMillis())
				: (this.near != null) ? this.commands.getFromPrimary(redisKey) : this.commands.get(redisKey));
		return decode(redisKey, stored);
	}

	private @Nullable ValueWrapper decode(byte[] redisKey, byte @Nullable [] stored) {
		if (stored == null) {
			return null;
		}
		if (stored == CacheRedisCommands.WRONG_TYPE) {
			unreadable(redisKey, "wrong-type", "the key holds another Redis type");
			return null;
		}
		try {
			byte[] payload = this.settings.envelope().decode(stored, redisKey);
			return new SimpleValueWrapper(this.serializer.deserialize(payload));
		}
		catch (ValueDecodingException ex) {
			String cause = ex.getReason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
			unreadable(redisKey, cause, "its envelope cannot be decoded (" + cause + ")");
			return null;
		}
		catch (InvalidTypeIdException ex) {
			// an attack, or a class removed since the value was written: always worth a WARN of its own
			String typeId = ex.getTypeId();
			boolean className = typeId != null && typeId.length() <= 300 && CLASS_NAME.matcher(typeId).matches();
			String type = className ? "'" + typeId + "'" : "(not a class name)";
			// each refused class gets a WARN of its own, up to a bound that an attacker cannot push the log past
			String problem = (className && (this.refusedTypes.contains(typeId)
					|| this.refusedTypes.size() < MAX_REFUSED_TYPES_WARNED && this.refusedTypes.add(typeId)))
					? "refused-type:" + typeId : "refused-type";
			unreadable(redisKey, "refused-type", problem,
					"it names the type " + type + ", which is not allowed (redisboot.cache.allowed-packages) or "
							+ "does not exist; nothing of that type was created");
			return null;
		}
		catch (StreamReadException ex) {
			unreadable(redisKey, "json", "it is not valid JSON (" + ex.getClass().getSimpleName() + ")");
			return null;
		}
		catch (JacksonException ex) {
			unreadable(redisKey, "shape", "it does not fit its class any more (" + ex.getClass().getSimpleName()
					+ "), as after a change of the class");
			return null;
		}
	}

	/**
	 * Counts, logs (once per cause, never quoting the stored bytes or the key) and deletes
	 * a value that cannot be read back.
	 */
	private void unreadable(byte[] redisKey, String cause, String why) {
		unreadable(redisKey, cause, cause, why);
	}

	private void unreadable(byte[] redisKey, String cause, String problem, String why) {
		this.metrics.decodeError(cause);
		// no exception: its message and stack trace would quote what Jackson read
		this.warnOnce.warn("unreadable:" + problem, "Deleting an unreadable value in cache '" + this.name
				+ "' and treating it as a miss: " + why, null);
		redis(true, () -> this.commands.unlink(redisKey));
	}

	private boolean write(byte[] redisKey, @Nullable Object value) {
		byte[] stored = encode(redisKey, value);
		return (stored != null) && store(redisKey, stored, value);
	}

	private boolean store(byte[] redisKey, byte[] stored, @Nullable Object value) {
		long ttl = this.settings.nextTtlMillis(value == null);
		Boolean written = redis(true, () -> {
			this.commands.set(redisKey, stored, ttl);
			return Boolean.TRUE;
		});
		if (written != null) {
			this.metrics.put();
		}
		return written != null;
	}

	private byte @Nullable [] encode(byte[] redisKey, @Nullable Object value) {
		if (value == null && !this.settings.cacheNulls()) {
			return null;
		}
		if (value != null && !this.serializer.canStore(value.getClass())) {
			this.warnOnce.warn("type:" + value.getClass().getName(), "Not caching a " + value.getClass().getName()
					+ " in cache '" + this.name
					+ "': its package is not allowed (redisboot.cache.allowed-packages), so it could not be read back",
					null);
			return null;
		}
		try {
			return this.settings.envelope().encode(this.serializer.serialize(value), redisKey);
		}
		catch (RuntimeException ex) {
			// JSON, compression or encryption failed for this value: never a reason to fail the caller
			String type = (value != null) ? value.getClass().getName() : "null";
			if (this.failureMode == CacheFailureMode.FAIL) {
				throw new IllegalStateException(
						"Cannot write a " + type + " to cache '" + this.name + "': " + ex.getMessage(), ex);
			}
			this.warnOnce.warn("encode:" + type, "Not caching a " + type + " in cache '" + this.name + "'", ex);
			return null;
		}
	}

	/**
	 * Runs one Redis call under the failure mode. With DEGRADE, calls are skipped while the
	 * circuit breaker is open, and failures are counted and absorbed ({@code null} is
	 * returned); an interrupted caller gets {@code null} too, without counting against
	 * Redis. With FAIL, the breaker is not used and failures reach the caller.
	 */
	private <T> @Nullable T redis(boolean write, Supplier<@Nullable T> call) {
		if (this.failureMode == CacheFailureMode.FAIL) {
			try {
				return call.get();
			}
			catch (RedisCommandException ex) {
				this.metrics.redisError();
				throw ex;
			}
		}
		if (!this.circuitBreaker.allowRequest()) {
			if (write) {
				this.metrics.dropped();
			}
			return null;
		}
		boolean reported = false;
		try {
			T result = call.get();
			this.circuitBreaker.onSuccess();
			reported = true;
			return result;
		}
		catch (RedisCommandException ex) {
			if (ex.isRedisUnavailable()) {
				this.circuitBreaker.onFailure(ex);
				reported = true;
				this.metrics.redisError();
			}
			else if (ex.isCommandError()) {
				this.metrics.redisError(); // Redis answered: an error reply is no outage
				String code = errorCode(ex);
				this.warnOnce.warn("command:" + code, "Redis refused a command of cache '" + this.name + "' with "
						+ code + (code.equals("NOPERM") ? " (the ACL user lacks a key or command the cache needs)" : "")
						+ "; the cache degrades (misses, writes dropped) and counts it in cache.redis.errors", null);
			}
			if (write) {
				this.metrics.dropped();
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Redis call for cache '" + this.name + "' failed; degrading", ex);
			}
			return null;
		}
		finally {
			if (!reported) {
				this.circuitBreaker.releaseProbe();
			}
		}
	}

	/**
	 * The error code of a Redis error reply ({@code NOPERM}, {@code WRONGTYPE}, ...), the only
	 * part of it that is logged.
	 */
	private static String errorCode(RedisCommandException ex) {
		String message = (ex.getCause() != null) ? String.valueOf(ex.getCause().getMessage()) : "";
		int end = 0;
		while (end < message.length() && end < 20 && Character.isUpperCase(message.charAt(end))) {
			end++;
		}
		return (end > 0) ? message.substring(0, end) : "ERR";
	}

	@Override
	public String toString() {
		return "RedisbootCache[" + this.name + "]";
	}

	/**
	 * What a look-up found: the value or {@code null} for a miss, the remaining TTL of a
	 * Redis hit when asked for ({@code -1} otherwise), and the near-cache epoch before the
	 * Redis read.
	 */
	private record Lookup(@Nullable ValueWrapper value, long pttl, long epoch) {
	}

	/**
	 * A value being computed by one thread for a {@code sync = true} miss.
	 */
	private static final class Load {

		final Thread owner;

		final CompletableFuture<@Nullable Object> result = new CompletableFuture<>();

		Load(Thread owner) {
			this.owner = owner;
		}

		@Nullable Object await(Object key, Callable<?> valueLoader) {
			try {
				return this.result.get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ValueRetrievalException(key, valueLoader, ex);
			}
			catch (ExecutionException ex) {
				throw new ValueRetrievalException(key, valueLoader, ex.getCause());
			}
		}

	}

}

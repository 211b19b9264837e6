package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.codec.ValueDecodingException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A Spring {@link Cache} stored in Redis under {@code [prefix:]cache:<name>:<key>}. A read
 * or a write is one Redis round trip (a {@code sync = true} miss reads once more before it
 * loads, and an unreadable value costs one more to delete it). Values are JSON of allowed
 * types, optionally compressed and encrypted; a value that cannot be read back is deleted
 * and treated as a miss. When Redis fails, the cache follows its {@link CacheFailureMode}.
 */
public class RedisbootCache implements Cache {

	static final String FEATURE = "cache";

	private static final Log logger = LogFactory.getLog(RedisbootCache.class);

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

	private final CacheValueSerializer serializer;

	private final CacheFailureMode failureMode;

	private final RedisCircuitBreaker circuitBreaker;

	private final CacheMetrics metrics;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private final ConcurrentMap<String, Load> loads = new ConcurrentHashMap<>();

	RedisbootCache(String name, CacheSettings settings, CacheRedisCommands commands, RedisKeyNamer keyNamer,
			CacheValueSerializer serializer, CacheFailureMode failureMode, RedisCircuitBreaker circuitBreaker,
			CacheMetrics metrics) {
		this.name = name;
		this.settings = settings;
		this.commands = commands;
		this.keyNamer = keyNamer;
		this.serializer = serializer;
		this.failureMode = failureMode;
		this.circuitBreaker = circuitBreaker;
		this.metrics = metrics;
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
	 * @return the Redis key, such as {@code prod:cache:users:42}
	 */
	public String redisKey(Object key) {
		return this.keyNamer.key(FEATURE, this.name, CacheKeyConverter.toKeyPart(key));
	}

	@Override
	public @Nullable ValueWrapper get(Object key) {
		byte[] redisKey = redisKeyBytes(key);
		ValueWrapper value = read(redisKey);
		if (value == null) {
			this.metrics.miss();
			pendingLoad.set(new Object[] { this.name, redisKey, System.nanoTime() });
		}
		else {
			pendingLoad.remove();
			this.metrics.hit();
		}
		return value;
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
	 * and the other callers wait for its result (or its exception). A loader that asks for
	 * its own key fails instead of waiting for itself.
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		byte[] redisKey = redisKeyBytes(key);
		ValueWrapper cached = read(redisKey);
		if (cached != null) {
			this.metrics.hit();
			return (T) cached.get();
		}
		this.metrics.miss();
		String loadKey = new String(redisKey, StandardCharsets.UTF_8);
		Load load = new Load(Thread.currentThread());
		Load inFlight = this.loads.putIfAbsent(loadKey, load);
		if (inFlight != null) {
			if (inFlight.owner == Thread.currentThread()) {
				throw new IllegalStateException("Recursive load of key '" + loadKey + "' in cache '" + this.name
						+ "': the value loader asked for its own key");
			}
			return (T) inFlight.await(key, valueLoader);
		}
		T value;
		boolean loaded = false;
		try {
			// another caller may have finished loading between our read and our claim
			ValueWrapper meanwhile = read(redisKey);
			if (meanwhile != null) {
				value = (T) meanwhile.get();
			}
			else {
				long start = System.nanoTime();
				value = valueLoader.call();
				this.metrics.load(System.nanoTime() - start);
				loaded = true;
			}
			load.result.complete(value);
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
			this.loads.remove(loadKey, load);
		}
		if (loaded) {
			write(redisKey, value);
		}
		return value;
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		byte[] redisKey = redisKeyBytes(key);
		Object[] load = pendingLoad.get();
		if (load != null) {
			pendingLoad.remove();
			if (this.name.equals(load[0]) && Arrays.equals((byte[]) load[1], redisKey)) {
				this.metrics.load(System.nanoTime() - (Long) load[2]);
			}
		}
		write(redisKey, value);
	}

	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		byte[] redisKey = redisKeyBytes(key);
		byte[] stored = encode(redisKey, value);
		if (stored == null) {
			return read(redisKey); // nothing to write: report what is there, without counting a read
		}
		Boolean written = redis(true, () -> this.commands.setIfAbsent(redisKey, stored,
				this.settings.nextTtlMillis(value == null)));
		if (Boolean.TRUE.equals(written)) {
			this.metrics.put();
			return null;
		}
		return (written == null) ? null : read(redisKey);
	}

	@Override
	public void evict(Object key) {
		evictIfPresent(key);
	}

	@Override
	public boolean evictIfPresent(Object key) {
		pendingLoad.remove();
		byte[] redisKey = redisKeyBytes(key);
		Long removed = redis(true, () -> this.commands.unlink(redisKey));
		if (removed != null && removed > 0) {
			this.metrics.evictions(removed);
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
	 */
	public long evictMatching(String template, Object... parts) {
		String base = this.keyNamer.pattern(FEATURE, this.name);
		String pattern = base.substring(0, base.length() - 1) + KeyPatternTemplate.expand(template, parts);
		Long removed = redis(true, () -> this.commands.unlinkMatching(pattern));
		if (removed != null && removed > 0) {
			this.metrics.evictions(removed);
		}
		return (removed != null) ? removed : 0;
	}

	private byte[] redisKeyBytes(Object key) {
		return redisKey(key).getBytes(StandardCharsets.UTF_8);
	}

	private @Nullable ValueWrapper read(byte[] redisKey) {
		byte[] stored = redis(false, () -> (this.settings.timeToIdle() != null)
				? this.commands.getAndExpire(redisKey, this.settings.timeToIdle().toMillis())
				: this.commands.get(redisKey));
		if (stored == null) {
			return null;
		}
		try {
			byte[] payload = this.settings.envelope().decode(stored, redisKey);
			return new SimpleValueWrapper(this.serializer.deserialize(payload));
		}
		catch (ValueDecodingException | JacksonException ex) {
			this.metrics.decodeError();
			String problem = (ex instanceof ValueDecodingException decoding) ? "decode:" + decoding.getReason()
					: "json";
			// Jackson's messages may quote field values: never log them for encrypted caches.
			String detail = this.settings.envelope().isEncryptingWrites() ? problem : ex.getMessage();
			this.warnOnce.warn(problem, "Deleting an unreadable value in cache '" + this.name
					+ "' and treating it as a miss: " + detail, this.settings.envelope().isEncryptingWrites() ? null : ex);
			redis(true, () -> this.commands.unlink(redisKey));
			return null;
		}
	}

	private void write(byte[] redisKey, @Nullable Object value) {
		byte[] stored = encode(redisKey, value);
		if (stored == null) {
			return;
		}
		long ttl = this.settings.nextTtlMillis(value == null);
		Boolean written = redis(true, () -> {
			this.commands.set(redisKey, stored, ttl);
			return Boolean.TRUE;
		});
		if (written != null) {
			this.metrics.put();
		}
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
			catch (CacheRedisException ex) {
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
		catch (CacheRedisException ex) {
			if (ex.isRedisUnavailable()) {
				this.circuitBreaker.onFailure(ex);
				reported = true;
				this.metrics.redisError();
			}
			else if (ex.isCommandError()) {
				this.metrics.redisError(); // Redis answered: an error reply is no outage
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

	@Override
	public String toString() {
		return "RedisbootCache[" + this.name + "]";
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

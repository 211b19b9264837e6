package dev.redisboot.cache;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.codec.ValueDecodingException;
import dev.redisboot.core.json.TypedJsonSerializer;
import dev.redisboot.core.redis.NonBlockingThreads;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisCommandException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidTypeIdException;

import org.springframework.cache.Cache.ValueWrapper;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * The Redis side of one {@link RedisbootCache}: reads and writes its entries (JSON of
 * allowed types in the cache's {@link CacheSettings#envelope() envelope}) and runs every
 * Redis call under the cache's {@link CacheFailureMode}. A value that cannot be read back
 * is counted, logged once per cause (never quoting the stored bytes or the key) and deleted,
 * and reads as a miss.
 */
final class CacheStore {

	private static final Log logger = LogFactory.getLog(RedisbootCache.class);

	private static final int MAX_REFUSED_TYPES_WARNED = 10;

	/** A type id that may be quoted in a log line: a Java class name, nothing else. */
	private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*){0,30}");

	private final String name;

	private final CacheSettings settings;

	private final CacheRedisCommands commands;

	private final TypedJsonSerializer serializer;

	private final CacheFailureMode failureMode;

	private final RedisCircuitBreaker circuitBreaker;

	private final CacheMetrics metrics;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private final Set<String> refusedTypes = ConcurrentHashMap.newKeySet();

	CacheStore(String name, CacheSettings settings, CacheRedisCommands commands, TypedJsonSerializer serializer,
			CacheFailureMode failureMode, RedisCircuitBreaker circuitBreaker, CacheMetrics metrics) {
		this.name = name;
		this.settings = settings;
		this.commands = commands;
		this.serializer = serializer;
		this.failureMode = failureMode;
		this.circuitBreaker = circuitBreaker;
		this.metrics = metrics;
	}

	CacheRedisCommands commands() {
		return this.commands;
	}

	/**
	 * Reads an entry.
	 * @param redisKey the entry's key
	 * @return the value, or {@code null} for a miss (also when Redis is unavailable and the
	 * cache degrades)
	 */
	@Nullable ValueWrapper read(byte[] redisKey) {
		// a near cache fills from this read: from the primary, never from a lagging replica (GETEX, the
		// time-to-idle read, always goes to the primary)
		Duration timeToIdle = this.settings.timeToIdle();
		boolean fromPrimary = this.settings.nearCache() != null;
		byte[] stored = call(false, () -> (timeToIdle != null)
				? this.commands.getAndExpire(redisKey, timeToIdle.toMillis())
				: fromPrimary ? this.commands.getFromPrimary(redisKey) : this.commands.get(redisKey));
		return decode(redisKey, stored, this::unlink);
	}

	/**
	 * Reads an entry without blocking, as {@link #read} does.
	 * @param redisKey the entry's key
	 * @return the value, or {@code null} for a miss (also when Redis is unavailable and the
	 * cache degrades)
	 */
	CompletableFuture<@Nullable ValueWrapper> readAsync(byte[] redisKey) {
		Duration timeToIdle = this.settings.timeToIdle();
		boolean fromPrimary = this.settings.nearCache() != null;
		return callAsync(false, () -> (timeToIdle != null)
				? this.commands.getAndExpireAsync(redisKey, timeToIdle.toMillis())
				: fromPrimary ? this.commands.getFromPrimaryAsync(redisKey) : this.commands.getAsync(redisKey))
			.thenApply((stored) -> decode(redisKey, stored, this::unlinkLater));
	}

	/**
	 * Reads an entry and its remaining time-to-live without blocking, as
	 * {@link #readWithTtl} does.
	 */
	CompletableFuture<TimedRead> readWithTtlAsync(byte[] redisKey) {
		return callAsync(false, () -> this.commands.getWithTtlAsync(redisKey, this.settings.nearCache() != null))
			.thenApply((stored) -> (stored != null)
					? new TimedRead(decode(redisKey, stored.value(), this::unlinkLater), stored.pttl())
					: new TimedRead(null, -1));
	}

	/**
	 * Reads an entry and its remaining time-to-live, for refresh-ahead.
	 * @param redisKey the entry's key
	 * @return the value ({@code null} for a miss) and the remaining time-to-live in
	 * milliseconds ({@code -1} for a miss)
	 */
	TimedRead readWithTtl(byte[] redisKey) {
		CacheRedisCommands.ValueWithTtl stored = call(false,
				() -> this.commands.getWithTtl(redisKey, this.settings.nearCache() != null));
		return (stored != null) ? new TimedRead(decode(redisKey, stored.value(), this::unlink), stored.pttl())
				: new TimedRead(null, -1);
	}

	/**
	 * Encodes and stores a value.
	 * @return whether it was stored
	 */
	boolean write(byte[] redisKey, @Nullable Object value) {
		byte[] stored = encode(redisKey, value);
		return (stored != null) && store(redisKey, stored, value);
	}

	/**
	 * Stores an encoded value with the cache's time-to-live.
	 * @return whether it was stored
	 */
	boolean store(byte[] redisKey, byte[] stored, @Nullable Object value) {
		long ttl = this.settings.nextTtlMillis(value == null);
		Boolean written = call(true, () -> {
			this.commands.set(redisKey, stored, ttl);
			return Boolean.TRUE;
		});
		if (written != null) {
			this.metrics.put();
		}
		return written != null;
	}

	/**
	 * Encodes and stores a value without blocking, as {@link #write} does.
	 * @return whether it was stored
	 */
	CompletableFuture<Boolean> writeAsync(byte[] redisKey, @Nullable Object value) {
		byte[] stored = encode(redisKey, value);
		return (stored != null) ? storeAsync(redisKey, stored, value) : CompletableFuture.completedFuture(false);
	}

	/**
	 * Stores an encoded value without blocking, as {@link #store} does.
	 * @return whether it was stored
	 */
	CompletableFuture<Boolean> storeAsync(byte[] redisKey, byte[] stored, @Nullable Object value) {
		long ttl = this.settings.nextTtlMillis(value == null);
		return callAsync(true, () -> this.commands.setAsync(redisKey, stored, ttl).thenApply((ok) -> Boolean.TRUE))
			.thenApply((written) -> {
				if (written != null) {
					this.metrics.put();
				}
				return written != null;
			});
	}

	/**
	 * Stores an encoded value unless the key exists.
	 * @return whether it was stored, or {@code null} when Redis is unavailable
	 */
	@Nullable Boolean storeIfAbsent(byte[] redisKey, byte[] stored, @Nullable Object value) {
		Boolean written = call(true,
				() -> this.commands.setIfAbsent(redisKey, stored, this.settings.nextTtlMillis(value == null)));
		if (Boolean.TRUE.equals(written)) {
			this.metrics.put();
		}
		return written;
	}

	/**
	 * Encodes a value for Redis.
	 * @return the bytes to store, or {@code null} when the value is not stored (a {@code null}
	 * where nulls are not cached, a type outside the allowlist, a value that cannot be
	 * serialized)
	 */
	byte @Nullable [] encode(byte[] redisKey, @Nullable Object value) {
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
	 * Why {@link #encode} refused a value, for {@link CacheMetrics#refusedPut(String)}.
	 */
	String refusedReason(@Nullable Object value) {
		if (value == null) {
			return "null";
		}
		return this.serializer.canStore(value.getClass()) ? "encode" : "type";
	}

	@Nullable Long unlink(byte[] redisKey) {
		return call(true, () -> this.commands.unlink(redisKey));
	}

	@Nullable Long unlinkMatching(String pattern) {
		return call(true, () -> this.commands.unlinkMatching(pattern));
	}

	/**
	 * Deletes an entry without blocking.
	 * @return how many keys were removed, or {@code null} when Redis is unavailable
	 */
	CompletableFuture<@Nullable Long> unlinkAsync(byte[] redisKey) {
		return callAsync(true, () -> this.commands.unlinkAsync(redisKey));
	}

	private void unlinkLater(byte[] redisKey) {
		unlinkAsync(redisKey);
	}

	/**
	 * Publishes a message; on an event-loop thread without waiting for Redis.
	 */
	void publish(byte[] channel, byte[] message) {
		if (NonBlockingThreads.isCurrent()) {
			callAsync(true, () -> this.commands.publishAsync(channel, message));
			return;
		}
		call(true, () -> {
			this.commands.publish(channel, message);
			return Boolean.TRUE;
		});
	}

	@Nullable Boolean tryLock(byte[] lockKey, byte[] token, long ttlMillis) {
		return call(false, () -> this.commands.tryLock(lockKey, token, ttlMillis));
	}

	void unlock(byte[] lockKey, byte[] token) {
		call(false, () -> this.commands.unlock(lockKey, token));
	}

	@Nullable Long pttl(byte[] redisKey) {
		return call(false, () -> this.commands.pttl(redisKey));
	}

	CompletableFuture<@Nullable Boolean> tryLockAsync(byte[] lockKey, byte[] token, long ttlMillis) {
		return callAsync(false, () -> this.commands.tryLockAsync(lockKey, token, ttlMillis));
	}

	CompletableFuture<@Nullable Boolean> unlockAsync(byte[] lockKey, byte[] token) {
		return callAsync(false, () -> this.commands.unlockAsync(lockKey, token));
	}

	CompletableFuture<@Nullable Long> pttlAsync(byte[] redisKey) {
		return callAsync(false, () -> this.commands.pttlAsync(redisKey));
	}

	/**
	 * Decodes a stored value.
	 * @param delete deletes an unreadable value (blocking or not, as the caller's read)
	 */
	private @Nullable ValueWrapper decode(byte[] redisKey, byte @Nullable [] stored, Consumer<byte[]> delete) {
		if (stored == null) {
			return null;
		}
		if (stored == CacheRedisCommands.WRONG_TYPE) {
			unreadable(redisKey, delete, "wrong-type", "wrong-type", "the key holds another Redis type");
			return null;
		}
		try {
			byte[] payload = this.settings.envelope().decode(stored, redisKey);
			return new SimpleValueWrapper(this.serializer.deserialize(payload));
		}
		catch (ValueDecodingException ex) {
			String cause = ex.getReason().name().toLowerCase(Locale.ROOT).replace('_', '-');
			unreadable(redisKey, delete, cause, cause, "its envelope cannot be decoded (" + cause + ")");
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
			unreadable(redisKey, delete, "refused-type", problem,
					"it names the type " + type + ", which is not allowed (redisboot.cache.allowed-packages) or "
							+ "does not exist; nothing of that type was created");
			return null;
		}
		catch (StreamReadException ex) {
			unreadable(redisKey, delete, "json", "json", "it is not valid JSON (" + ex.getClass().getSimpleName() + ")");
			return null;
		}
		catch (JacksonException ex) {
			unreadable(redisKey, delete, "shape", "shape", "it does not fit its class any more ("
					+ ex.getClass().getSimpleName() + "), as after a change of the class");
			return null;
		}
	}

	/**
	 * Counts, logs (once per problem, never quoting the stored bytes or the key) and deletes
	 * a value that cannot be read back.
	 */
	private void unreadable(byte[] redisKey, Consumer<byte[]> delete, String cause, String problem, String why) {
		this.metrics.decodeError(cause);
		// no exception: its message and stack trace would quote what Jackson read
		this.warnOnce.warn("unreadable:" + problem, "Deleting an unreadable value in cache '" + this.name
				+ "' and treating it as a miss: " + why, null);
		delete.accept(redisKey);
	}

	/**
	 * Runs one Redis call under the failure mode. With DEGRADE, the circuit breaker runs the
	 * call (skipping it while open), and Redis failures are counted and absorbed
	 * ({@code null} is returned); an interrupted caller gets {@code null} too, without
	 * counting against Redis. With FAIL, the breaker is not used and failures reach the
	 * caller.
	 * @param write whether the call changes Redis (a skipped one is counted as dropped)
	 */
	<T> @Nullable T call(boolean write, Supplier<@Nullable T> call) {
		if (this.failureMode == CacheFailureMode.FAIL) {
			try {
				return call.get();
			}
			catch (RedisCommandException ex) {
				this.metrics.redisError();
				throw ex;
			}
		}
		return this.circuitBreaker.call(call, (failure) -> degrade(write, failure));
	}

	/**
	 * Runs one Redis call without blocking, under the failure mode as {@link #call} runs a
	 * blocking one: with DEGRADE the future completes with {@code null} in place of a Redis
	 * failure; with FAIL it completes with the failure.
	 * @param write whether the call changes Redis (a skipped one is counted as dropped)
	 */
	<T> CompletableFuture<@Nullable T> callAsync(boolean write, Supplier<CompletableFuture<T>> call) {
		if (this.failureMode == CacheFailureMode.FAIL) {
			CompletableFuture<T> issued = call.get();
			return issued.whenComplete((value, failure) -> {
				if (RedisCircuitBreaker.redisFailure(failure) != null) {
					this.metrics.redisError();
				}
			});
		}
		return this.circuitBreaker.<@Nullable T>callAsync(call, (failure) -> degrade(write, failure));
	}

	private <T> @Nullable T degrade(boolean write, @Nullable RuntimeException failure) {
		if (failure != null) {
			if (!(failure instanceof RedisCommandException redis)) {
				throw failure; // not Redis: a bug of ours or the caller's, not absorbed
			}
			if (redis.isRedisUnavailable()) {
				this.metrics.redisError();
			}
			else if (redis.isCommandError()) {
				this.metrics.redisError(); // Redis answered: an error reply is no outage
				String code = errorCode(redis);
				this.warnOnce.warn("command:" + code, "Redis refused a command of cache '" + this.name + "' with "
						+ code + (code.equals("NOPERM") ? " (the ACL user lacks a key or command the cache needs)" : "")
						+ "; the cache degrades (misses, writes dropped) and counts it in cache.redis.errors", null);
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Redis call for cache '" + this.name + "' failed; degrading", redis);
			}
		}
		if (write) {
			this.metrics.dropped();
		}
		return null;
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

	/**
	 * A read with the entry's remaining time-to-live.
	 *
	 * @param value the value, or {@code null} for a miss
	 * @param pttl the remaining time-to-live in milliseconds, {@code -1} for a miss
	 */
	record TimedRead(@Nullable ValueWrapper value, long pttl) {
	}

}

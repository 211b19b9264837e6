package dev.redisboot.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.function.Function;

import dev.redisboot.core.redis.LettuceCommands.Script;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCommandException;
import io.lettuce.core.GetExArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The few Redis commands the caches need, on the application's Lettuce connection
 * (standalone, Sentinel or Cluster), each bounded by the cache timeout whatever the
 * connection's own command timeout, so a slow or unreachable Redis costs a caller at most
 * that long. Every command is one round trip; clearing scans and unlinks in batches, on every
 * primary of a Cluster (Lettuce's cluster SCAN visits each one), and never uses
 * {@code KEYS}.
 */
final class CacheRedisCommands {

	private static final int SCAN_BATCH = 1000;

	/**
	 * The compare-and-delete script that releases a load lock, a resource beside this class.
	 */
	static final String UNLOCK_SCRIPT = "dev/redisboot/cache/unlock.lua";

	static final Script UNLOCK = Script.of(load(UNLOCK_SCRIPT));

	/**
	 * Returned by the reads in place of a value when the key holds another Redis type
	 * (compared by identity).
	 */
	static final byte[] WRONG_TYPE = new byte[0];

	private final LettuceCommands commands;

	private final boolean replicaReads;

	/**
	 * Creates the commands.
	 * @param connectionFactory the application's connection factory
	 * @param timeout the longest a single command may take
	 */
	CacheRedisCommands(LettuceConnectionFactory connectionFactory, Duration timeout) {
		this.commands = new LettuceCommands(connectionFactory, timeout);
		this.replicaReads = connectionFactory.getClientConfiguration()
			.getReadFrom()
			.filter((readFrom) -> readFrom != ReadFrom.UPSTREAM && readFrom != ReadFrom.MASTER)
			.isPresent();
	}

	/**
	 * Reads a value from the primary even when the connection reads from replicas
	 * ({@code spring.data.redis.lettuce.read-from}): a near cache fills from this read right
	 * after an invalidation, and a replica that has not yet applied the write behind that
	 * invalidation would leave the old value in memory until the near cache's time-to-live.
	 * {@code GETEX} without options reads like {@code GET}, but Lettuce sends it to the
	 * primary because it is not a read-only command. Without replica reads this is a
	 * {@code GET}.
	 * @param key the key
	 * @return the value, {@code null} when missing
	 */
	@Nullable byte[] getFromPrimary(byte[] key) {
		return this.replicaReads ? execute((commands) -> commands.getex(key, new GetExArgs())) : get(key);
	}

	/**
	 * Whether reads may go to replicas.
	 * @return {@code true} with a {@code read-from} setting other than the primary
	 */
	boolean isReplicaReads() {
		return this.replicaReads;
	}

	/**
	 * Reads a value.
	 * @param key the key
	 * @return the value, {@code null} when missing, or {@link #WRONG_TYPE}
	 */
	@Nullable byte[] get(byte[] key) {
		try {
			return execute((commands) -> commands.get(key));
		}
		catch (RedisCommandException ex) {
			return wrongType(ex);
		}
	}

	@Nullable byte[] getAndExpire(byte[] key, long ttlMillis) {
		try {
			return execute((commands) -> commands.getex(key, GetExArgs.Builder.px(ttlMillis)));
		}
		catch (RedisCommandException ex) {
			return wrongType(ex);
		}
	}

	private static byte[] wrongType(RedisCommandException ex) {
		if (ex.isCommandError() && ex.getCause() != null
				&& String.valueOf(ex.getCause().getMessage()).startsWith("WRONGTYPE")) {
			return WRONG_TYPE;
		}
		throw ex;
	}

	void set(byte[] key, byte[] value, long ttlMillis) {
		execute((commands) -> commands.set(key, value, SetArgs.Builder.px(ttlMillis)));
	}

	boolean setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
		return "OK".equals(execute((commands) -> commands.set(key, value, SetArgs.Builder.nx().px(ttlMillis))));
	}

	/**
	 * Reads a value and its remaining time-to-live in one round trip (two pipelined
	 * commands on the connection of the key's node).
	 * @param key the key
	 * @return the value (or {@code null}) and its remaining time-to-live in milliseconds
	 * (negative when the key has none or is missing)
	 */
	ValueWithTtl getWithTtl(byte[] key) {
		return getWithTtl(key, false);
	}

	/**
	 * Reads a value and its remaining time-to-live in one round trip, from the primary when
	 * {@code fromPrimary} and the connection reads from replicas (see
	 * {@link #getFromPrimary}).
	 * @param key the key
	 * @param fromPrimary whether the value must come from the primary
	 * @return the value (or {@code null}) and its remaining time-to-live in milliseconds
	 */
	ValueWithTtl getWithTtl(byte[] key, boolean fromPrimary) {
		boolean primary = fromPrimary && this.replicaReads;
		ValueWithTtl result;
		try {
			result = execute((commands) -> {
			RedisFuture<byte[]> value = primary ? commands.getex(key, new GetExArgs()) : commands.get(key);
			RedisFuture<Long> pttl = commands.pttl(key);
			return value.thenCombine(pttl, (stored, ttl) -> new ValueWithTtl(stored, (ttl != null) ? ttl : -2))
				.toCompletableFuture();
			});
		}
		catch (RedisCommandException ex) {
			return new ValueWithTtl(wrongType(ex), -2);
		}
		return (result != null) ? result : new ValueWithTtl(null, -2);
	}

	long pttl(byte[] key) {
		Long pttl = execute((commands) -> commands.pttl(key));
		return (pttl != null) ? pttl : -2;
	}

	/**
	 * Takes a lock: {@code SET key token NX PX ttl}.
	 * @param key the lock key
	 * @param token this holder's random token
	 * @param ttlMillis when the lock expires if it is never released
	 * @return whether the lock was taken
	 */
	boolean tryLock(byte[] key, byte[] token, long ttlMillis) {
		return setIfAbsent(key, token, ttlMillis);
	}

	/**
	 * Releases a lock if it is still held with the given token, with a compare-and-delete
	 * Lua script run by {@code EVALSHA} (loaded by {@code EVAL} where a node does not know
	 * it yet), so a holder whose lock expired never deletes another holder's lock.
	 * @param key the lock key
	 * @param token the holder's token
	 * @return whether the lock was released
	 */
	boolean unlock(byte[] key, byte[] token) {
		Long released = this.commands.evalsha(UNLOCK, ScriptOutputType.INTEGER, new byte[][] { key }, token);
		return released != null && released > 0;
	}

	/**
	 * Publishes a message.
	 * @param channel the channel
	 * @param message the message
	 */
	void publish(byte[] channel, byte[] message) {
		execute((commands) -> commands.publish(channel, message));
	}

	long unlink(byte[]... keys) {
		Long removed = execute((commands) -> commands.unlink(keys));
		return (removed != null) ? removed : 0;
	}

	/**
	 * Removes every key that matches a {@code SCAN MATCH} pattern, in batches.
	 * @param pattern the pattern
	 * @return how many keys were removed
	 */
	long unlinkMatching(String pattern) {
		ScanArgs args = ScanArgs.Builder.matches(pattern.getBytes(StandardCharsets.UTF_8)).limit(SCAN_BATCH);
		ScanCursor cursor = ScanCursor.INITIAL;
		long removed = 0;
		do {
			ScanCursor current = cursor;
			KeyScanCursor<byte[]> page = execute((commands) -> commands.scan(current, args));
			if (page == null) {
				break;
			}
			List<byte[]> keys = page.getKeys();
			if (!keys.isEmpty()) {
				removed += unlink(keys.toArray(byte[][]::new));
			}
			cursor = page;
		}
		while (!cursor.isFinished());
		return removed;
	}

	private <T> @Nullable T execute(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends Future<T>> command) {
		return this.commands.execute(command);
	}

	// The same commands without waiting, for retrieve() and writes from event-loop threads: each
	// future completes as its blocking twin returns or throws (RedisCommandException).

	CompletableFuture<byte @Nullable []> getAsync(byte[] key) {
		return readAsync((commands) -> commands.get(key));
	}

	CompletableFuture<byte @Nullable []> getFromPrimaryAsync(byte[] key) {
		return this.replicaReads ? readAsync((commands) -> commands.getex(key, new GetExArgs())) : getAsync(key);
	}

	CompletableFuture<byte @Nullable []> getAndExpireAsync(byte[] key, long ttlMillis) {
		return readAsync((commands) -> commands.getex(key, GetExArgs.Builder.px(ttlMillis)));
	}

	private CompletableFuture<byte @Nullable []> readAsync(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<byte[]>> read) {
		return this.commands.executeAsync(read).exceptionally((failure) -> wrongType(redisFailure(failure)));
	}

	/**
	 * Reads a value and its remaining time-to-live in one round trip, as
	 * {@link #getWithTtl(byte[], boolean)} does.
	 */
	CompletableFuture<ValueWithTtl> getWithTtlAsync(byte[] key, boolean fromPrimary) {
		boolean primary = fromPrimary && this.replicaReads;
		return this.commands.<ValueWithTtl>executeAsync((commands) -> {
			RedisFuture<byte[]> value = primary ? commands.getex(key, new GetExArgs()) : commands.get(key);
			RedisFuture<Long> pttl = commands.pttl(key);
			return value.thenCombine(pttl, (stored, ttl) -> new ValueWithTtl(stored, (ttl != null) ? ttl : -2));
		}).exceptionally((failure) -> new ValueWithTtl(wrongType(redisFailure(failure)), -2));
	}

	CompletableFuture<Void> setAsync(byte[] key, byte[] value, long ttlMillis) {
		return this.commands.executeAsync((commands) -> commands.set(key, value, SetArgs.Builder.px(ttlMillis)))
			.thenApply((ok) -> null);
	}

	CompletableFuture<Boolean> tryLockAsync(byte[] key, byte[] token, long ttlMillis) {
		return this.commands.executeAsync((commands) -> commands.set(key, token, SetArgs.Builder.nx().px(ttlMillis)))
			.thenApply("OK"::equals);
	}

	CompletableFuture<Boolean> unlockAsync(byte[] key, byte[] token) {
		return this.commands.<Long>evalshaAsync(UNLOCK, ScriptOutputType.INTEGER, new byte[][] { key }, token)
			.thenApply((released) -> released != null && released > 0);
	}

	CompletableFuture<Long> pttlAsync(byte[] key) {
		return this.commands.executeAsync((commands) -> commands.pttl(key))
			.thenApply((pttl) -> (pttl != null) ? pttl : -2);
	}

	CompletableFuture<Long> unlinkAsync(byte[] key) {
		return this.commands.executeAsync((commands) -> commands.unlink(key))
			.thenApply((removed) -> (removed != null) ? removed : 0);
	}

	CompletableFuture<Long> publishAsync(byte[] channel, byte[] message) {
		return this.commands.executeAsync((commands) -> commands.publish(channel, message));
	}

	/**
	 * A future that completes after a pause, on one of Lettuce's event executors.
	 * @param nanos the pause
	 * @return the future
	 */
	CompletableFuture<Void> delay(long nanos) {
		return this.commands.delay(nanos);
	}

	private static RedisCommandException redisFailure(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof RedisCommandException redis) {
			return redis;
		}
		throw (cause instanceof RuntimeException runtime) ? runtime : new CompletionException(cause);
	}

	/**
	 * A value read together with its remaining time-to-live.
	 *
	 * @param value the value, or {@code null} when missing
	 * @param pttl the remaining time-to-live in milliseconds, negative when there is none
	 */
	record ValueWithTtl(byte @Nullable [] value, long pttl) {
	}

	private static String load(String resource) {
		try (InputStream input = CacheRedisCommands.class.getClassLoader().getResourceAsStream(resource)) {
			if (input == null) {
				throw new IllegalStateException("Missing " + resource);
			}
			return new String(input.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.redisboot.cache.CacheRedisException.Kind;
import io.lettuce.core.GetExArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The few Redis commands the caches need, on the application's Lettuce connection
 * (standalone, Sentinel or Cluster), each bounded by the cache timeout whatever the
 * connection's own command timeout, so a slow or unreachable Redis costs a caller at most
 * that long. Every command is one round trip; clearing scans and unlinks in batches, on every
 * primary of a Cluster (Lettuce's cluster SCAN visits each one), and never uses
 * {@code KEYS}.
 */
public final class CacheRedisCommands {

	private static final int SCAN_BATCH = 1000;

	private final LettuceConnectionFactory connectionFactory;

	private final long timeoutNanos;

	/**
	 * Creates the commands.
	 * @param connectionFactory the application's connection factory
	 * @param timeout the longest a single command may take
	 */
	public CacheRedisCommands(LettuceConnectionFactory connectionFactory, Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.timeoutNanos = timeout.toNanos();
	}

	@Nullable byte[] get(byte[] key) {
		return execute((commands) -> commands.get(key));
	}

	@Nullable byte[] getAndExpire(byte[] key, long ttlMillis) {
		return execute((commands) -> commands.getex(key, GetExArgs.Builder.px(ttlMillis)));
	}

	void set(byte[] key, byte[] value, long ttlMillis) {
		execute((commands) -> commands.set(key, value, SetArgs.Builder.px(ttlMillis)));
	}

	boolean setIfAbsent(byte[] key, byte[] value, long ttlMillis) {
		return "OK".equals(execute((commands) -> commands.set(key, value, SetArgs.Builder.nx().px(ttlMillis))));
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

	@SuppressWarnings("unchecked")
	private <T> @Nullable T execute(Function<RedisClusterAsyncCommands<byte[], byte[]>, RedisFuture<T>> command) {
		RedisFuture<T> future;
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			future = command.apply((RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection());
			try {
				return future.get(this.timeoutNanos, TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				future.cancel(true);
				throw new CacheRedisException(Kind.UNAVAILABLE, "Redis did not answer within "
						+ Duration.ofNanos(this.timeoutNanos).toMillis() + " ms", ex);
			}
			catch (ExecutionException ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				Kind kind = (cause instanceof RedisCommandExecutionException) ? Kind.COMMAND_ERROR : Kind.UNAVAILABLE;
				throw new CacheRedisException(kind, "Redis command failed: " + cause.getMessage(), cause);
			}
			catch (InterruptedException ex) {
				// the caller was interrupted, Redis did nothing wrong: keep the flag for the caller to see
				Thread.currentThread().interrupt();
				future.cancel(true);
				throw new CacheRedisException(Kind.INTERRUPTED, "Interrupted while waiting for Redis", ex);
			}
		}
		catch (CacheRedisException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// getConnection() itself fails when Redis cannot be reached
			throw new CacheRedisException(Kind.UNAVAILABLE, "Redis is unavailable: " + ex.getMessage(), ex);
		}
	}

}

package dev.redisboot.core.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import dev.redisboot.core.redis.RedisCommandException.Kind;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Runs Lettuce commands on the application's connection (standalone, Sentinel or Cluster),
 * each bounded by a timeout whatever the connection's own command timeout, so that a slow or
 * unreachable Redis costs a caller at most that long. Failures are reported as
 * {@link RedisCommandException} saying whether Redis was unavailable, answered with an error,
 * or the caller was interrupted.
 * <p>
 * On Redis Cluster, Lettuce follows {@code MOVED} and {@code ASK} by itself. While a slot is
 * being migrated (resharding) and its keys are split between two nodes, Redis answers
 * {@code TRYAGAIN} to a command over several keys of it, such as a script: {@link #evalsha}
 * sends it again after a pause (5 ms, doubling up to 100 ms) until it runs or the timeout is
 * spent.
 */
public final class LettuceCommands {

	private static final long FIRST_TRY_AGAIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private static final long MAX_TRY_AGAIN_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final LettuceConnectionFactory connectionFactory;

	private final long timeoutNanos;

	// the factory's shared native connection's commands, once taken (see executeAsync)
	private volatile @Nullable RedisClusterAsyncCommands<byte[], byte[]> sharedCommands;

	/**
	 * Creates the commands.
	 * @param connectionFactory the application's connection factory
	 * @param timeout the longest a single command may take
	 */
	public LettuceCommands(LettuceConnectionFactory connectionFactory, Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.timeoutNanos = timeout.toNanos();
	}

	/**
	 * Runs commands on the connection's asynchronous API and waits for the future they
	 * return. Commands issued together are pipelined.
	 * @param <T> the result type
	 * @param command issues the commands
	 * @return the result
	 * @throws RedisCommandException when Redis fails, times out or the caller is interrupted
	 */
	@SuppressWarnings("unchecked")
	public <T> @Nullable T execute(Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends Future<T>> command) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			return await(command.apply((RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection()));
		}
		catch (RedisCommandException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// getConnection() itself fails when Redis cannot be reached
			throw new RedisCommandException(Kind.UNAVAILABLE, "Redis is unavailable: " + RedisFailureCause.of(ex), ex);
		}
	}

	/**
	 * Runs a Lua script by its SHA-1 ({@code EVALSHA}), sending the script itself
	 * ({@code EVAL}, which also caches it) only to a server that answers {@code NOSCRIPT}.
	 * A script refused with {@code TRYAGAIN} (its slot is being migrated, its keys split
	 * between two Cluster nodes; Redis ran nothing) is sent again after a pause, from 5 ms
	 * doubling up to 100 ms, until the timeout is spent; then the last refusal is thrown.
	 * @param <T> the result type
	 * @param script the script
	 * @param output how to read its result
	 * @param keys the keys (on Cluster, all in one slot)
	 * @param args the arguments
	 * @return the result
	 */
	public <T> @Nullable T evalsha(Script script, ScriptOutputType output, byte[][] keys, byte[]... args) {
		long deadline = System.nanoTime() + this.timeoutNanos;
		long pause = FIRST_TRY_AGAIN_PAUSE_NANOS;
		while (true) {
			try {
				return evalshaOnce(script, output, keys, args);
			}
			catch (RedisCommandException ex) {
				if (!isTryAgain(ex) || System.nanoTime() + pause - deadline > 0) {
					throw ex;
				}
				LockSupport.parkNanos(pause);
				if (Thread.currentThread().isInterrupted()) {
					throw new RedisCommandException(Kind.INTERRUPTED, "Interrupted while waiting for Redis", ex);
				}
				pause = Math.min(pause * 2, MAX_TRY_AGAIN_PAUSE_NANOS);
			}
		}
	}

	/**
	 * Whether Redis refused a command with {@code TRYAGAIN}: a command over several keys of a
	 * slot being migrated while its keys are split between two Cluster nodes. Redis did not
	 * run it.
	 * @param ex the failure
	 * @return whether it is a {@code TRYAGAIN} refusal
	 */
	static boolean isTryAgain(RedisCommandException ex) {
		return ex.isCommandError() && ex.getCause() != null
				&& String.valueOf(ex.getCause().getMessage()).startsWith("TRYAGAIN");
	}

	private <T> @Nullable T evalshaOnce(Script script, ScriptOutputType output, byte[][] keys, byte[]... args) {
		try {
			return execute((commands) -> commands.evalsha(script.sha(), output, keys, args));
		}
		catch (RedisCommandException ex) {
			if (!(ex.getCause() instanceof RedisNoScriptException)) {
				throw ex;
			}
			return execute((commands) -> commands.eval(script.text(), output, keys, args));
		}
	}

	/**
	 * Issues a Lua script by its SHA-1 on the given commands, falling back to {@code EVAL}
	 * on {@code NOSCRIPT}, without waiting: for scripts pipelined with other commands inside
	 * {@link #execute(Function)}.
	 * @param <T> the result type
	 * @param commands the commands handed to {@link #execute(Function)}
	 * @param script the script
	 * @param output how to read its result
	 * @param keys the keys (on Cluster, all in one slot)
	 * @param args the arguments
	 * @return the script's future result
	 */
	public static <T> CompletableFuture<T> evalshaAsync(RedisClusterAsyncCommands<byte[], byte[]> commands,
			Script script, ScriptOutputType output, byte[][] keys, byte[]... args) {
		CompletableFuture<T> result = commands.<T>evalsha(script.sha(), output, keys, args).toCompletableFuture();
		return result.handle((value, failure) -> {
			if (failure == null) {
				return CompletableFuture.completedFuture(value);
			}
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			if (cause instanceof RedisNoScriptException) {
				return commands.<T>eval(script.text(), output, keys, args).toCompletableFuture();
			}
			return CompletableFuture.<T>failedFuture(cause);
		}).thenCompose(Function.identity());
	}

	/**
	 * Runs commands on the connection's asynchronous API without waiting: the non-blocking
	 * twin of {@link #execute(Function)}, for callers on an event loop. The future fails with
	 * a {@link RedisCommandException} as {@code execute} throws it, after the same timeout
	 * (counted by the JDK's delayer thread, not by a waiting caller).
	 * <p>
	 * The factory's shared native connection is taken once and kept: asking the factory for
	 * it on every call takes a lock that an event loop must not wait for. Taking it (which
	 * connects the first time) runs on the common pool, never on the caller's thread, and so
	 * does every call when the factory shares no connection.
	 * @param <T> the result type
	 * @param command issues the commands
	 * @return the result's future
	 */
	public <T> CompletableFuture<T> executeAsync(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends CompletionStage<T>> command) {
		RedisClusterAsyncCommands<byte[], byte[]> shared = this.sharedCommands;
		// the command's own future, to cancel on a timeout: a cancelled command is never sent late
		AtomicReference<CompletableFuture<T>> issued = new AtomicReference<>();
		CompletableFuture<T> future;
		if (shared != null && isOpen(shared)) {
			future = issue(shared, command);
			issued.set(future);
		}
		else {
			future = CompletableFuture.supplyAsync(this::connection).thenCompose((connection) -> {
				RedisClusterAsyncCommands<byte[], byte[]> commands = nativeCommands(connection);
				if (this.connectionFactory.getShareNativeConnection()) {
					this.sharedCommands = commands;
					connection.close(); // the shared connection outlives it
				}
				CompletableFuture<T> result = issue(commands, command);
				issued.set(result);
				return this.connectionFactory.getShareNativeConnection() ? result
						: result.whenComplete((value, failure) -> connection.close());
			});
		}
		CompletableFuture<T> bounded = future.copy().orTimeout(this.timeoutNanos, TimeUnit.NANOSECONDS);
		return bounded.handle((value, failure) -> {
			if (failure == null) {
				return value;
			}
			Throwable cause = unwrap(failure);
			if (cause instanceof TimeoutException) {
				future.cancel(true);
				CompletableFuture<T> inFlight = issued.get();
				if (inFlight != null) {
					inFlight.cancel(true);
				}
			}
			throw failure(cause);
		});
	}

	/**
	 * A future that completes after a pause, on one of Lettuce's event executors (not on the
	 * JDK's single delay thread, which every {@code CompletableFuture} timeout of the JVM
	 * shares), for callers that wait without parking a thread.
	 * @param nanos the pause
	 * @return the future
	 */
	public CompletableFuture<Void> delay(long nanos) {
		CompletableFuture<Void> delayed = new CompletableFuture<>();
		ClientResources resources = this.connectionFactory.getClientResources();
		if (resources != null) {
			resources.eventExecutorGroup().schedule(() -> delayed.complete(null), nanos, TimeUnit.NANOSECONDS);
		}
		else {
			CompletableFuture.delayedExecutor(nanos, TimeUnit.NANOSECONDS).execute(() -> delayed.complete(null));
		}
		return delayed;
	}

	private RedisConnection connection() {
		try {
			return this.connectionFactory.getConnection();
		}
		catch (RuntimeException ex) {
			throw new RedisCommandException(Kind.UNAVAILABLE, "Redis is unavailable: " + RedisFailureCause.of(ex), ex);
		}
	}

	/**
	 * Whether kept commands' connection is still open: it closes when the factory is reset
	 * or stopped (not while it reconnects), and is taken again then.
	 */
	private static boolean isOpen(RedisClusterAsyncCommands<byte[], byte[]> commands) {
		if (commands instanceof RedisAsyncCommands<?, ?> standalone) {
			return standalone.getStatefulConnection().isOpen();
		}
		if (commands instanceof RedisAdvancedClusterAsyncCommands<?, ?> cluster) {
			return cluster.getStatefulConnection().isOpen();
		}
		return false;
	}

	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> nativeCommands(RedisConnection connection) {
		return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
	}

	private static <T> CompletableFuture<T> issue(RedisClusterAsyncCommands<byte[], byte[]> commands,
			Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends CompletionStage<T>> command) {
		try {
			return command.apply(commands).toCompletableFuture();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(
					new RedisCommandException(Kind.UNAVAILABLE, "Redis is unavailable: " + RedisFailureCause.of(ex), ex));
		}
	}

	/**
	 * Runs a Lua script as {@link #evalsha} does ({@code EVAL} on {@code NOSCRIPT},
	 * {@code TRYAGAIN} sent again after a pause until the timeout is spent), without waiting:
	 * the pauses are scheduled, not slept.
	 * @param <T> the result type
	 * @param script the script
	 * @param output how to read its result
	 * @param keys the keys (on Cluster, all in one slot)
	 * @param args the arguments
	 * @return the result's future, failed with a {@link RedisCommandException}
	 */
	public <T> CompletableFuture<T> evalshaAsync(Script script, ScriptOutputType output, byte[][] keys,
			byte[]... args) {
		return evalshaAsync(script, output, keys, args, System.nanoTime() + this.timeoutNanos,
				FIRST_TRY_AGAIN_PAUSE_NANOS);
	}

	private <T> CompletableFuture<T> evalshaAsync(Script script, ScriptOutputType output, byte[][] keys,
			byte[][] args, long deadline, long pause) {
		// EVALSHA, then EVAL, each its own command: a timed-out command is cancelled (never sent
		// late, after a reconnect), which a composed future would not do to the command inside it
		return this.<T>executeAsync((commands) -> commands.<T>evalsha(script.sha(), output, keys, args))
			.exceptionallyCompose((ex) -> {
				RedisCommandException failure = RedisCircuitBreaker.redisFailure(ex);
				if (failure == null || !(failure.getCause() instanceof RedisNoScriptException)) {
					return CompletableFuture.failedFuture(ex);
				}
				return this.<T>executeAsync((commands) -> commands.<T>eval(script.text(), output, keys, args));
			})
			.exceptionallyCompose((ex) -> {
				RedisCommandException failure = RedisCircuitBreaker.redisFailure(ex);
				if (failure == null || !isTryAgain(failure) || System.nanoTime() + pause - deadline > 0) {
					return CompletableFuture.failedFuture(ex);
				}
				return CompletableFuture
					.runAsync(() -> {
					}, CompletableFuture.delayedExecutor(pause, TimeUnit.NANOSECONDS))
					.thenCompose((paused) -> evalshaAsync(script, output, keys, args, deadline,
							Math.min(pause * 2, MAX_TRY_AGAIN_PAUSE_NANOS)));
			});
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	private RedisCommandException failure(Throwable cause) {
		if (cause instanceof RedisCommandException redis) {
			return redis;
		}
		if (cause instanceof TimeoutException) {
			// a connection that cannot reconnect (WRONGPASS after a password change) only shows as a timeout
			return new RedisCommandException(Kind.UNAVAILABLE, RedisConnectionEvents.explainTimeout(
					this.connectionFactory.getClientResources(),
					"Redis did not answer within " + Duration.ofNanos(this.timeoutNanos).toMillis() + " ms"), cause);
		}
		Kind kind = (cause instanceof RedisCommandExecutionException) ? Kind.COMMAND_ERROR : Kind.UNAVAILABLE;
		return new RedisCommandException(kind, "Redis command failed: " + cause.getMessage(), cause);
	}

	private <T> @Nullable T await(Future<T> future) {
		try {
			return future.get(this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw failure(ex);
		}
		catch (ExecutionException ex) {
			throw failure(unwrap(ex));
		}
		catch (InterruptedException ex) {
			// the caller was interrupted, Redis did nothing wrong: keep the flag for the caller to see
			Thread.currentThread().interrupt();
			future.cancel(true);
			throw new RedisCommandException(Kind.INTERRUPTED, "Interrupted while waiting for Redis", ex);
		}
	}

	/**
	 * A Lua script and its SHA-1.
	 *
	 * @param text the script
	 * @param sha its SHA-1, in hex
	 */
	public record Script(String text, String sha) {

		/**
		 * Loads a script from a resource beside a class (in its package), such as
		 * {@code dev/redisboot/lock/acquire.lua} for {@code DistributedLocks} and
		 * {@code "acquire.lua"}.
		 * @param anchor the class whose package holds the script
		 * @param name the script's file name
		 * @return the script
		 * @throws IllegalStateException if there is no such resource
		 */
		public static Script load(Class<?> anchor, String name) {
			try (InputStream input = anchor.getResourceAsStream(name)) {
				if (input == null) {
					throw new IllegalStateException(
							"Missing script " + anchor.getPackageName().replace('.', '/') + "/" + name);
				}
				return of(new String(input.readAllBytes(), StandardCharsets.UTF_8));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/**
		 * A script, with its SHA-1 computed.
		 * @param text the script
		 * @return the script
		 */
		public static Script of(String text) {
			try {
				return new Script(text, HexFormat.of()
					.formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8))));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}

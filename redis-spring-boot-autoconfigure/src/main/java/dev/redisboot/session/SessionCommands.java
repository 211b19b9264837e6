package dev.redisboot.session;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.LettuceCommands.Script;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisCommandException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import static dev.redisboot.session.SessionKeys.bytes;

/**
 * The Redis layer of the session repository: runs commands and scripts, pipelines them (one
 * round trip), and sorts failures into those Redis answered (a key of the wrong type, a
 * refused command), which are counted and absorbed, and an unreachable Redis, which is
 * rethrown and fails the request. Every call goes through the sessions' circuit breaker:
 * while it is open, calls fail at once with an unavailable {@link RedisCommandException}
 * instead of each waiting for the timeout.
 *
 * @author redisboot
 */
final class SessionCommands {

	private final LettuceCommands redis;

	private final SessionReporter reporter;

	private volatile RedisCircuitBreaker circuitBreaker = new RedisCircuitBreaker(3, Duration.ofSeconds(5),
			Clock.systemUTC());

	SessionCommands(LettuceCommands redis, SessionReporter reporter) {
		this.redis = redis;
		this.reporter = reporter;
	}

	void setCircuitBreaker(RedisCircuitBreaker circuitBreaker) {
		this.circuitBreaker = circuitBreaker;
	}

	RedisCircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	<T> @Nullable T execute(Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends Future<T>> command) {
		return guarded(() -> this.redis.execute(command));
	}

	/**
	 * Runs commands without waiting (for the reactive repository, and for the steps that
	 * both repositories share): the result fails with a {@link RedisCommandException} as
	 * {@link #execute} throws it.
	 */
	<T> CompletableFuture<T> executeAsync(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends CompletionStage<T>> command) {
		try {
			// the fallback rethrows: a failed future, or (breaker open) a throw here
			return this.circuitBreaker.callAsync(() -> this.redis.executeAsync(command), (failure) -> {
				throw unavailable(failure);
			});
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	<T> CompletableFuture<T> evalshaAsync(Script script, ScriptOutputType output, byte[][] keys, byte[]... args) {
		return executeAsync((commands) -> LettuceCommands.evalshaAsync(commands, script, output, keys, args));
	}

	/**
	 * Waits for a step that runs without waiting, on a thread that may block (the servlet
	 * repository's), and throws its failure as it is.
	 */
	<T extends @Nullable Object> T await(CompletableFuture<T> future) {
		try {
			return future.get();
		}
		catch (ExecutionException ex) {
			Throwable cause = unwrap((ex.getCause() != null) ? ex.getCause() : ex);
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new RedisCommandException(RedisCommandException.Kind.UNAVAILABLE,
					"Redis is unavailable: " + cause.getMessage(), cause);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			future.cancel(true);
			throw new RedisCommandException(RedisCommandException.Kind.INTERRUPTED, "Interrupted while waiting for Redis",
					ex);
		}
	}

	/**
	 * Runs a call under the circuit breaker: an open breaker fails it at once, as an
	 * unavailable Redis; a failure is rethrown as it was (the callers sort it).
	 */
	private <T extends @Nullable Object> T guarded(Supplier<T> call) {
		return this.circuitBreaker.call(call, (failure) -> {
			throw unavailable(failure);
		});
	}

	/**
	 * What a call under the breaker fails with: an unavailable Redis for an open breaker,
	 * else the failure as it was; counts an unavailable Redis.
	 */
	private RuntimeException unavailable(@Nullable RuntimeException failure) {
		if (failure == null) {
			this.reporter.unavailable(true);
			return new RedisCommandException(RedisCommandException.Kind.UNAVAILABLE,
					"Redis is not called for sessions: their circuit breaker is open after consecutive "
							+ "failures (redisboot.session.circuit-breaker)");
		}
		RedisCommandException redis = RedisCircuitBreaker.redisFailure(failure);
		if (redis != null && redis.isRedisUnavailable()) {
			this.reporter.unavailable(false);
		}
		return failure;
	}

	/**
	 * Sends commands together (pipelined; on Cluster, to their nodes in parallel) and waits
	 * for all of their results: one round trip.
	 */
	<T> List<T> pipeline(Function<RedisClusterAsyncCommands<byte[], byte[]>, List<? extends CompletionStage<T>>> commands) {
		return await(pipelineAsync(commands));
	}

	/**
	 * Sends commands together, without waiting: one round trip.
	 */
	<T> CompletableFuture<List<T>> pipelineAsync(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, List<? extends CompletionStage<T>>> commands) {
		return executeAsync((async) -> {
			List<CompletableFuture<T>> futures = commands.apply(async)
				.stream()
				.map(CompletionStage::toCompletableFuture)
				.toList();
			return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
				.thenApply((ignored) -> futures.stream().map(CompletableFuture::join).toList());
		});
	}

	/**
	 * Like {@link #pipeline}, but a command that fails gives a {@link Failure} in its place
	 * instead of failing them all, so each key family's fault is handled on its own.
	 */
	List<Object> settledPipeline(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, List<? extends CompletionStage<?>>> commands) {
		return await(settledPipelineAsync(commands));
	}

	/**
	 * Like {@link #settledPipeline}, without waiting.
	 */
	CompletableFuture<List<Object>> settledPipelineAsync(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, List<? extends CompletionStage<?>>> commands) {
		return pipelineAsync((async) -> commands.apply(async)
			.stream()
			.map((future) -> future.handle((value, failure) -> (failure != null) ? new Failure(unwrap(failure))
					: (Object) value))
			.toList());
	}

	/**
	 * The {@link RedisCommandException} a step failed with, or the failure rethrown if it is
	 * none (a bug, not Redis).
	 */
	static RedisCommandException redisFailure(Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof RedisCommandException redis) {
			return redis;
		}
		if (cause instanceof RuntimeException runtime) {
			throw runtime;
		}
		throw new CompletionException(cause);
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/**
	 * What kind of fault Redis answered with, or {@code null} if it did not answer (down,
	 * timed out), which the caller rethrows.
	 */
	static @Nullable String faultOf(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof RedisCommandException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (!(cause instanceof RedisCommandExecutionException)) {
			return null;
		}
		String message = String.valueOf(cause.getMessage());
		if (message.contains("WRONGTYPE")) {
			return SessionReporter.WRONG_TYPE;
		}
		if (message.contains("NOPERM")) {
			return SessionReporter.NOPERM;
		}
		return SessionReporter.COMMAND_ERROR;
	}

	/**
	 * Counts the fault of a failed pipelined command, or rethrows it if Redis did not answer
	 * (counted as a failed call: the pipeline's first such command throws, so once per call).
	 */
	void fault(String family, Failure failure, String operation) {
		String fault = faultOf(failure.exception());
		if (fault == null) {
			this.reporter.unavailable(false);
			throw (failure.exception() instanceof RuntimeException runtime) ? runtime
					: new RedisCommandException(RedisCommandException.Kind.UNAVAILABLE,
							"Redis is unavailable: " + failure.exception().getMessage(), failure.exception());
		}
		this.reporter.fault(family, fault, operation, failure.exception());
	}

	/**
	 * Counts the fault of a failed command, or rethrows it if Redis did not answer.
	 * @return the fault
	 */
	String absorb(RedisCommandException ex, String family, String operation) {
		String fault = faultOf(ex);
		if (fault == null) {
			throw ex;
		}
		this.reporter.fault(family, fault, operation, ex);
		return fault;
	}

	/**
	 * Like {@link #absorb}, and deletes the key if it had the wrong type.
	 */
	void absorbAndRepair(RedisCommandException ex, String family, String operation, byte[] key, String type) {
		await(absorbAndRepairAsync(ex, family, operation, key, type));
	}

	/**
	 * Like {@link #absorbAndRepair}, without waiting.
	 */
	CompletableFuture<@Nullable Void> absorbAndRepairAsync(RedisCommandException ex, String family,
			String operation, byte[] key, String type) {
		if (!SessionReporter.WRONG_TYPE.equals(absorb(ex, family, operation))) {
			return CompletableFuture.completedFuture(null);
		}
		// deletes the key of the wrong type; counted with the fault that found it
		return this.<Long>evalshaAsync(SessionScripts.REPAIR, ScriptOutputType.INTEGER, new byte[][] { key },
				bytes(type))
			.handle((deleted, failure) -> {
				if (failure != null) {
					RedisCommandException redis = redisFailure(failure);
					if (faultOf(redis) == null) {
						throw redis;
					}
					SessionReporter.logger.debug("Could not replace a " + family + " key of the wrong type", redis);
				}
				return null;
			});
	}

	/**
	 * Deletes a key, absorbing what Redis refuses.
	 */
	CompletableFuture<@Nullable Void> deleteQuietlyAsync(byte[] key, String family) {
		return executeAsync((commands) -> commands.del(key)).handle((deleted, failure) -> {
			if (failure != null) {
				absorb(redisFailure(failure), family, "delete");
			}
			return null;
		});
	}

	/**
	 * A command of a pipeline that failed.
	 */
	record Failure(Throwable exception) {
	}

}

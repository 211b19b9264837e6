package dev.redisboot.ratelimit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.LettuceCommands.Script;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;

/**
 * Decides on buckets in Redis with one Lua script per decision ({@code decide.lua}, run by
 * {@code EVALSHA}): the script reads the bucket, refills it from the server's clock, takes one
 * request from every limit or from none, and writes it back, atomically. One round trip per
 * decision at any concurrency, in one instance or many, with no compare-and-swap to lose and
 * no bucket state in the JVM.
 * <p>
 * The limits travel as arguments of every call and the stored state holds only how much of
 * each is used, so a changed rule applies to live buckets and nothing written to Redis can
 * raise a limit. A key that holds no usable state (garbage, another Redis type) is replaced by
 * a fresh bucket in the same script, and the outcome says so.
 * <p>
 * Concurrent decisions of this instance on one bucket are batched, as Bucket4j's
 * {@code Optimizations.batching()} does: while a script call for a bucket is in flight, the
 * decisions that arrive for it wait, and the first of them then decides for all of them in one
 * call (the first ones allowed while the bucket has requests left). No decision waits for more
 * than the call in flight and its own; a hot bucket costs fewer round trips than decisions,
 * and a bucket no one else is deciding on costs one, without waiting. The path is
 * asynchronous throughout ({@link #consumeAsync}, on Lettuce's async API): the servlet filter
 * waits for its outcome, the WebFlux filter subscribes to it, and both batch together.
 */
final class RedisBucketScript {

	static final Script DECIDE = Script.load(RedisBucketScript.class, "decide.lua");

	private final LettuceCommands commands;

	// the script's arguments per list of limits: rules have few, and their lists are shared
	private final Map<List<Limit>, byte[][]> arguments = new ConcurrentHashMap<>();

	// a gate per bucket with a call in flight; removed when the bucket is idle
	private final Map<Key, Gate> gates = new ConcurrentHashMap<>();

	RedisBucketScript(LettuceCommands commands) {
		this.commands = commands;
	}

	/**
	 * Takes one request from a bucket, batched with concurrent decisions of this instance on
	 * the same bucket, and waits for the outcome (at most the command timeout, plus the call
	 * in flight before it).
	 * @param key the bucket's key
	 * @param limits the limits of the bucket
	 * @return the outcome
	 * @throws dev.redisboot.core.redis.RedisCommandException when Redis is unavailable or
	 * refuses the script
	 */
	Outcome consume(byte[] key, List<Limit> limits) {
		return join(consumeAsync(key, limits));
	}

	/**
	 * Takes one request from a bucket without waiting: the one decision path, which
	 * {@link #consume} waits for. While a script call for the bucket is in flight the decision
	 * queues; when the call completes, the decisions queued meanwhile go to Redis together in
	 * the next call, issued from the thread that completed the previous one (never waiting
	 * there, so a Lettuce event loop may run it).
	 * @param key the bucket's key
	 * @param limits the limits of the bucket
	 * @return the outcome's future, failed with a
	 * {@link dev.redisboot.core.redis.RedisCommandException} when Redis is unavailable or
	 * refuses the script
	 */
	CompletableFuture<Outcome> consumeAsync(byte[] key, List<Limit> limits) {
		Key id = new Key(key);
		Gate gate = this.gates.computeIfAbsent(id, (k) -> new Gate());
		CompletableFuture<Outcome> me = new CompletableFuture<>();
		synchronized (gate) {
			if (gate.busy) {
				gate.queued.add(me);
				return me;
			}
			gate.busy = true;
		}
		decide(id, gate, key, limits, List.of(me));
		return me;
	}

	/**
	 * One script call for a batch: completes every decision of it, with its outcome or the
	 * failure, once the bucket is passed on to the decisions that queued meanwhile.
	 */
	private void decide(Key id, Gate gate, byte[] key, List<Limit> limits, List<CompletableFuture<Outcome>> batch) {
		CompletableFuture<Batch> call;
		try {
			call = callAsync(key, limits, batch.size());
		}
		catch (RuntimeException ex) {
			call = CompletableFuture.failedFuture(ex);
		}
		call.whenComplete((result, failure) -> {
			// the next call first: completing this batch may run its callers' code on this thread
			handOff(id, gate, key, limits);
			for (int i = 0; i < batch.size(); i++) {
				if (failure != null) {
					batch.get(i).completeExceptionally(
							(failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
									: failure);
					continue;
				}
				boolean allowed = i < result.allowed();
				batch.get(i).complete(new Outcome(allowed,
						allowed ? result.remaining() + (result.allowed() - 1 - i) : 0, result.millisUntilFull(),
						allowed ? 0 : result.millisUntilAllowed(), result.badStateReplaced() && i == 0));
			}
		});
	}

	/**
	 * Passes the bucket on to the decisions that queued meanwhile (one call for all of them),
	 * or marks it idle.
	 */
	private void handOff(Key id, Gate gate, byte[] key, List<Limit> limits) {
		List<CompletableFuture<Outcome>> next;
		synchronized (gate) {
			if (gate.queued.isEmpty()) {
				gate.busy = false;
				this.gates.remove(id, gate);
				return;
			}
			next = gate.queued;
			gate.queued = new ArrayList<>();
		}
		decide(id, gate, key, limits, next);
	}

	/**
	 * Runs the script once for a number of requests on a bucket, and waits for it.
	 * @param key the bucket's key
	 * @param limits the limits of the bucket
	 * @param requests the requests
	 * @return how many were allowed, and the bucket afterwards
	 */
	Batch call(byte[] key, List<Limit> limits, int requests) {
		return join(callAsync(key, limits, requests));
	}

	private CompletableFuture<Batch> callAsync(byte[] key, List<Limit> limits, int requests) {
		byte[][] limitArgs = this.arguments.computeIfAbsent(limits, RedisBucketScript::arguments);
		byte[][] args = new byte[limitArgs.length + 1][];
		args[0] = ascii(Integer.toString(requests));
		System.arraycopy(limitArgs, 0, args, 1, limitArgs.length);
		return this.commands.<List<Object>>evalshaAsync(DECIDE, ScriptOutputType.MULTI, new byte[][] { key }, args)
			.thenApply(RedisBucketScript::batch);
	}

	private static Batch batch(@Nullable List<Object> result) {
		if (result == null || result.size() < 5) {
			throw new IllegalStateException("Unexpected reply of the rate-limit script");
		}
		return new Batch((int) number(result.get(0)), number(result.get(1)), number(result.get(2)),
				number(result.get(3)), number(result.get(4)) == 1);
	}

	/**
	 * Waits for a future, uninterruptibly: it is bounded by the command timeout. Keeps the
	 * interrupt flag, and throws what the future failed with.
	 */
	static <T> T join(CompletableFuture<T> future) {
		boolean interrupted = false;
		try {
			while (true) {
				try {
					return future.get();
				}
				catch (InterruptedException ex) {
					interrupted = true;
				}
				catch (ExecutionException ex) {
					if (ex.getCause() instanceof RuntimeException runtime) {
						throw runtime;
					}
					if (ex.getCause() instanceof Error error) {
						throw error;
					}
					throw new IllegalStateException(ex.getCause());
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static long number(Object value) {
		if (value instanceof Long number) {
			return number;
		}
		throw new IllegalStateException("Unexpected reply of the rate-limit script");
	}

	static byte[][] arguments(List<Limit> limits) {
		byte[][] args = new byte[limits.size() * 3][];
		for (int i = 0; i < limits.size(); i++) {
			Limit limit = limits.get(i);
			args[3 * i] = ascii(Long.toString(limit.capacity()));
			args[3 * i + 1] = ascii(Long.toString(limit.period().toMillis()));
			args[3 * i + 2] = ascii((limit.refill() == Limit.Refill.INTERVALLY) ? "i" : "g");
		}
		return args;
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * The outcome of one script call.
	 *
	 * @param allowed how many of its requests were allowed (the first ones)
	 * @param remaining requests left afterwards (the least of all limits)
	 * @param millisUntilFull ms until every limit is full again
	 * @param millisUntilAllowed when not all were allowed, ms until one is allowed again
	 * @param badStateReplaced whether the key held no usable state and a fresh bucket
	 * replaced it
	 */
	record Batch(int allowed, long remaining, long millisUntilFull, long millisUntilAllowed,
			boolean badStateReplaced) {

	}

	/**
	 * The outcome of one decision.
	 *
	 * @param allowed whether a request was taken from every limit
	 * @param remaining requests left (the least of all limits)
	 * @param millisUntilFull ms until every limit is full again
	 * @param millisUntilAllowed for a rejected request, ms until one is allowed again
	 * @param badStateReplaced whether the key held no usable state and a fresh bucket
	 * replaced it
	 */
	record Outcome(boolean allowed, long remaining, long millisUntilFull, long millisUntilAllowed,
			boolean badStateReplaced) {

	}

	private static final class Gate {

		boolean busy;

		List<CompletableFuture<Outcome>> queued = new ArrayList<>();

	}

	private record Key(byte[] bytes) {

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Key key && java.util.Arrays.equals(this.bytes, key.bytes);
		}

		@Override
		public int hashCode() {
			return java.util.Arrays.hashCode(this.bytes);
		}

		@Override
		public String toString() {
			return "Key[" + this.bytes.length + " bytes]";
		}

	}

}

package dev.redisboot.core.redis;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Stops calling Redis for a while after consecutive failures, so that during an outage
 * callers get their fallback at once (a cache miss, a rate-limit decision by the rule's
 * failure mode) instead of each waiting for the command timeout. After the back-off one call
 * is let through as a probe: its success closes the breaker, its failure opens it for another
 * back-off. One breaker per feature (each feature's auto-configuration creates its own, under
 * a bean name of its own), shared by every caller of that feature.
 * <p>
 * Callers use {@link #call(Supplier, Fallback)}, which owns the bookkeeping: ask whether
 * Redis may be called, call it, report success or failure (only a
 * {@link RedisCommandException#isRedisUnavailable() unavailable} Redis counts as a failure;
 * an error reply or an interrupted caller only lets the next probe through), and fall back.
 * It is the only way in: the single steps are package-private, so no feature writes the
 * bookkeeping by hand again.
 */
public final class RedisCircuitBreaker {

	private static final Log logger = LogFactory.getLog(RedisCircuitBreaker.class);

	private static final int SKIP = 0;

	private static final int CALL = 1;

	private static final int PROBE = 2;

	private final String name;

	private final int failureThreshold;

	private final long openMillis;

	private final Clock clock;

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private final AtomicLong openUntil = new AtomicLong();

	private final AtomicBoolean probing = new AtomicBoolean();

	private final AtomicLong skipped = new AtomicLong();

	/**
	 * Creates a closed breaker.
	 * @param failureThreshold consecutive failures that open the breaker
	 * @param openDuration how long the breaker stays open before probing
	 * @param clock the clock
	 */
	public RedisCircuitBreaker(int failureThreshold, Duration openDuration, Clock clock) {
		this("Redis", failureThreshold, openDuration, clock);
	}

	/**
	 * Creates a closed breaker with a name for its log lines, so that an operator sees whose
	 * breaker opened when several features have one.
	 * @param name what the breaker guards, such as {@code "sessions"}; its log lines say
	 * "Redis for sessions"
	 * @param failureThreshold consecutive failures that open the breaker
	 * @param openDuration how long the breaker stays open before probing
	 * @param clock the clock
	 */
	public RedisCircuitBreaker(String name, int failureThreshold, Duration openDuration, Clock clock) {
		this.name = "Redis".equals(name) ? name : "Redis for " + name;
		this.failureThreshold = failureThreshold;
		this.openMillis = openDuration.toMillis();
		this.clock = clock;
	}

	/**
	 * Runs one Redis call under the breaker. When the breaker is open the call is skipped and
	 * the fallback answers with a {@code null} failure. When the call throws, a
	 * {@link RedisCommandException} (the exception itself or one of its causes) that says
	 * Redis is unavailable counts towards opening the breaker; anything else (an error reply,
	 * an interrupted caller, a failure of the caller's own) does not, but lets another caller
	 * probe. The fallback then answers with the exception; it may rethrow it.
	 * @param <T> the result type
	 * @param call the Redis call
	 * @param fallback the answer when Redis was not called or failed
	 * @return the call's result, or the fallback's
	 */
	public <T extends @Nullable Object> T call(Supplier<T> call, Fallback<T> fallback) {
		int admission = admit();
		if (admission == SKIP) {
			return fallback.apply(null);
		}
		boolean probe = admission == PROBE;
		boolean reported = false;
		try {
			T result = call.get();
			onSuccess(probe);
			reported = true;
			return result;
		}
		catch (RuntimeException ex) {
			RedisCommandException redis = redisFailure(ex);
			if (redis != null && redis.isRedisUnavailable()) {
				onFailure(redis, probe);
			}
			else if (probe) {
				releaseProbe();
			}
			reported = true;
			return fallback.apply(ex);
		}
		finally {
			if (!reported && probe) {
				releaseProbe(); // an Error: no verdict on Redis
			}
		}
	}

	/**
	 * Runs one asynchronous Redis call under the breaker, with the bookkeeping of
	 * {@link #call(Supplier, Fallback)}, without waiting: for callers on an event loop. The
	 * fallback runs when the call's future fails (or at once when the breaker is open), on the
	 * thread that completes it; it must not block.
	 * @param <T> the result type
	 * @param call issues the Redis call
	 * @param fallback the answer when Redis was not called or failed
	 * @return the call's result, or the fallback's
	 */
	public <T extends @Nullable Object> CompletableFuture<T> callAsync(Supplier<CompletableFuture<T>> call,
			Fallback<T> fallback) {
		int admission = admit();
		if (admission == SKIP) {
			return CompletableFuture.completedFuture(fallback.apply(null));
		}
		boolean probe = admission == PROBE;
		CompletableFuture<T> future;
		try {
			future = call.get();
		}
		catch (RuntimeException ex) {
			future = CompletableFuture.failedFuture(ex);
		}
		catch (Error ex) {
			if (probe) {
				releaseProbe(); // no verdict on Redis
			}
			throw ex;
		}
		return future.handle((result, failure) -> {
			if (failure == null) {
				onSuccess(probe);
				return result;
			}
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			if (!(cause instanceof RuntimeException ex)) {
				if (probe) {
					releaseProbe(); // an Error: no verdict on Redis
				}
				throw (failure instanceof CompletionException completion) ? completion : new CompletionException(cause);
			}
			RedisCommandException redis = redisFailure(ex);
			if (redis != null && redis.isRedisUnavailable()) {
				onFailure(redis, probe);
			}
			else if (probe) {
				releaseProbe();
			}
			return fallback.apply(ex);
		});
	}

	/**
	 * The {@link RedisCommandException} in a failure's cause chain.
	 * @param failure what a Redis call threw, or {@code null}
	 * @return the Redis failure, or {@code null} when there is none
	 */
	public static @Nullable RedisCommandException redisFailure(@Nullable Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof RedisCommandException redis) {
				return redis;
			}
		}
		return null;
	}

	/**
	 * Whether a call may go to Redis now. When the back-off has passed, exactly one caller is
	 * allowed through as a probe until it reports its outcome.
	 * @return whether to call Redis
	 */
	boolean allowRequest() {
		return admit() != SKIP;
	}

	/**
	 * Whether a call may go to Redis now, and as what: a call while closed, the one probe
	 * after the back-off, or none.
	 * @return {@link #CALL}, {@link #PROBE} or {@link #SKIP}
	 */
	private int admit() {
		long until = this.openUntil.get();
		if (until == 0) {
			return CALL;
		}
		if (this.clock.millis() >= until && this.probing.compareAndSet(false, true)) {
			return PROBE;
		}
		this.skipped.incrementAndGet();
		return SKIP;
	}

	/**
	 * Reports a successful call: closes the breaker. Cheap when nothing failed before (no
	 * writes to shared state on the hot path).
	 * @return whether this success ended a run of failures
	 */
	boolean onSuccess() {
		return onSuccess(true);
	}

	/**
	 * Reports a successful call.
	 * @param probe whether the call was the probe; only the probe ends probing, since a call
	 * let through before the breaker opened may finish while the probe is in flight
	 * @return whether this success ended a run of failures
	 */
	private boolean onSuccess(boolean probe) {
		boolean recovered = false;
		if (this.consecutiveFailures.get() != 0) {
			this.consecutiveFailures.set(0);
			recovered = true;
		}
		long until = this.openUntil.get();
		if (until != 0 && this.openUntil.compareAndSet(until, 0)) {
			recovered = true;
			logger.info(this.name + " answers again: its callers use it again");
		}
		if (probe && this.probing.get()) {
			this.probing.set(false);
		}
		return recovered;
	}

	/**
	 * Reports a failed call: opens the breaker once the threshold is reached, or again after
	 * a failed probe. Opening is logged once per outage, at WARN.
	 * @param cause what failed
	 */
	void onFailure(Throwable cause) {
		onFailure(cause, true);
	}

	/**
	 * Reports a failed call.
	 * @param cause what failed
	 * @param probe whether the call was the probe; only the probe ends probing, so that a
	 * call let through before the breaker opened, failing late (its timeout is longer than
	 * the back-off), does not let a second probe through while one is in flight
	 */
	private void onFailure(Throwable cause, boolean probe) {
		int failures = this.consecutiveFailures.incrementAndGet();
		long current = this.openUntil.get();
		if (failures >= this.failureThreshold || current != 0) {
			long until = this.clock.millis() + this.openMillis;
			if (current == 0 && this.openUntil.compareAndSet(0, until)) {
				logger.warn(this.name + " failed " + failures + " times in a row (" + cause.getMessage()
						+ "): its callers stop calling it for " + this.openMillis
						+ " ms at a time until it answers again, and follow their failure mode meanwhile");
			}
			else {
				this.openUntil.set(until);
			}
		}
		if (probe) {
			this.probing.set(false);
		}
	}

	/**
	 * Lets another caller probe when a call ended without telling whether Redis works (it
	 * failed for a reason of its own, or the caller was interrupted).
	 */
	void releaseProbe() {
		if (this.probing.get()) {
			this.probing.set(false);
		}
	}

	/**
	 * Whether the breaker is open (Redis is not being called).
	 * @return whether open
	 */
	public boolean isOpen() {
		return this.openUntil.get() != 0;
	}

	/**
	 * Calls not sent to Redis because the breaker was open.
	 * @return the count since startup
	 */
	public long skippedCalls() {
		return this.skipped.get();
	}

	/**
	 * The answer of a call that did not reach Redis or failed.
	 *
	 * @param <T> the result type
	 */
	@FunctionalInterface
	public interface Fallback<T extends @Nullable Object> {

		/**
		 * Answers in place of Redis.
		 * @param failure what the call threw, or {@code null} when the breaker was open and
		 * Redis was not called
		 * @return the answer
		 */
		T apply(@Nullable RuntimeException failure);

	}

}

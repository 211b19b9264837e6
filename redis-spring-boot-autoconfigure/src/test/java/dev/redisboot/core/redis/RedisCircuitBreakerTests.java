package dev.redisboot.core.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.redisboot.core.autoconfigure.CircuitBreakerProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class RedisCircuitBreakerTests {

	private final MutableClock clock = new MutableClock();

	private final RedisCircuitBreaker breaker = new RedisCircuitBreaker(3, Duration.ofSeconds(5), this.clock);

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void theLogLinesNameTheFeatureWhoseBreakerOpenedAndClosed(CapturedOutput output) {
		RedisCircuitBreaker sessions = new CircuitBreakerProperties()
			.createBreaker("redisboot.session.circuit-breaker.");
		for (int i = 0; i < 3; i++) {
			sessions.onFailure(new RedisCommandException(RedisCommandException.Kind.UNAVAILABLE, "down"));
		}
		assertThat(sessions.isOpen()).isTrue();
		assertThat(output).contains("Redis for session failed 3 times in a row (down)");
		sessions.onSuccess();
		assertThat(output).contains("Redis for session answers again");
	}

	@Test
	void staysClosedBelowTheThreshold() {
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onFailure(new IllegalStateException("down"));
		assertThat(this.breaker.isOpen()).isFalse();
		assertThat(this.breaker.allowRequest()).isTrue();
	}

	@Test
	void successResetsTheCount() {
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onSuccess();
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onFailure(new IllegalStateException("down"));
		assertThat(this.breaker.isOpen()).isFalse();
	}

	@Test
	void opensAtTheThresholdAndSkipsCalls() {
		open();
		assertThat(this.breaker.isOpen()).isTrue();
		assertThat(this.breaker.allowRequest()).isFalse();
		assertThat(this.breaker.allowRequest()).isFalse();
		assertThat(this.breaker.skippedCalls()).isEqualTo(2);
	}

	@Test
	void letsExactlyOneProbeThroughAfterTheBackOff() {
		open();
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(this.breaker.allowRequest()).isTrue();
		assertThat(this.breaker.allowRequest()).as("a second caller waits for the probe").isFalse();
	}

	@Test
	void successfulProbeCloses() {
		open();
		this.clock.advance(Duration.ofSeconds(6));
		assertThat(this.breaker.allowRequest()).isTrue();
		this.breaker.onSuccess();
		assertThat(this.breaker.isOpen()).isFalse();
		assertThat(this.breaker.allowRequest()).isTrue();
	}

	@Test
	void failedProbeOpensForAnotherBackOff() {
		open();
		this.clock.advance(Duration.ofSeconds(6));
		assertThat(this.breaker.allowRequest()).isTrue();
		this.breaker.onFailure(new IllegalStateException("down"));
		assertThat(this.breaker.allowRequest()).isFalse();
		this.clock.advance(Duration.ofSeconds(4));
		assertThat(this.breaker.allowRequest()).isFalse();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.breaker.allowRequest()).isTrue();
	}

	@Test
	void callReturnsTheResultAndClosesTheBreaker() {
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onFailure(new IllegalStateException("down"));
		assertThat(this.breaker.<String>call(() -> "value", (failure) -> "fallback")).isEqualTo("value");
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onFailure(new IllegalStateException("down"));
		assertThat(this.breaker.isOpen()).as("the success reset the count").isFalse();
	}

	@Test
	void callCountsAnUnavailableRedisAndFallsBackWithTheFailure() {
		List<RuntimeException> failures = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			assertThat(this.breaker.<String>call(() -> {
				throw unavailable();
			}, (failure) -> {
				failures.add(failure);
				return "fallback";
			})).isEqualTo("fallback");
		}
		assertThat(failures).hasSize(3).allSatisfy((failure) -> assertThat(failure).isInstanceOf(RuntimeException.class));
		assertThat(this.breaker.isOpen()).isTrue();
	}

	@Test
	void callFindsTheRedisFailureAmongTheCauses() {
		for (int i = 0; i < 3; i++) {
			this.breaker.call(() -> {
				throw new IllegalStateException("wrapped", unavailable());
			}, (failure) -> null);
		}
		assertThat(this.breaker.isOpen()).isTrue();
	}

	@Test
	void callDoesNotCountErrorRepliesInterruptionsOrOtherFailures() {
		for (int i = 0; i < 5; i++) {
			this.breaker.call(() -> {
				throw new RedisCommandException(RedisCommandException.Kind.COMMAND_ERROR, "NOPERM",
						new IllegalStateException("NOPERM"));
			}, (failure) -> null);
			this.breaker.call(() -> {
				throw new RedisCommandException(RedisCommandException.Kind.INTERRUPTED, "interrupted",
						new InterruptedException());
			}, (failure) -> null);
			this.breaker.call(() -> {
				throw new IllegalArgumentException("a bug");
			}, (failure) -> null);
		}
		assertThat(this.breaker.isOpen()).isFalse();
	}

	@Test
	void callSkipsRedisWhileOpenAndFallsBackWithoutAFailure() {
		open();
		List<String> calls = new ArrayList<>();
		assertThat(this.breaker.<String>call(() -> {
			calls.add("called");
			return "value";
		}, (failure) -> (failure == null) ? "skipped" : "failed")).isEqualTo("skipped");
		assertThat(calls).isEmpty();
		assertThat(this.breaker.skippedCalls()).isEqualTo(1);
	}

	@Test
	void aProbeThatEndsWithoutAVerdictLetsTheNextCallerProbe() {
		open();
		this.clock.advance(Duration.ofSeconds(6));
		this.breaker.call(() -> {
			throw new RedisCommandException(RedisCommandException.Kind.COMMAND_ERROR, "ERR", new IllegalStateException());
		}, (failure) -> null);
		assertThat(this.breaker.<String>call(() -> "value", (failure) -> "fallback")).isEqualTo("value");
		assertThat(this.breaker.isOpen()).isFalse();
	}

	@Test
	void callAsyncKeepsTheSameBooksWhenTheFutureCompletesLater() {
		List<RuntimeException> failures = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			CompletableFuture<String> redis = new CompletableFuture<>();
			CompletableFuture<String> answer = this.breaker.callAsync(() -> redis, (failure) -> {
				failures.add(failure);
				return "fallback";
			});
			assertThat(answer).as("nothing waits for Redis").isNotDone();
			redis.completeExceptionally(new IllegalStateException("wrapped", unavailable()));
			assertThat(answer).isCompletedWithValue("fallback");
		}
		assertThat(failures).hasSize(3).doesNotContainNull();
		assertThat(this.breaker.isOpen()).isTrue();
		List<String> calls = new ArrayList<>();
		assertThat(this.breaker.<String>callAsync(() -> {
			calls.add("called");
			return CompletableFuture.completedFuture("value");
		}, (failure) -> (failure == null) ? "skipped" : "failed")).isCompletedWithValue("skipped");
		assertThat(calls).as("open: Redis is not called").isEmpty();
		this.clock.advance(Duration.ofSeconds(6));
		CompletableFuture<String> probe = new CompletableFuture<>();
		CompletableFuture<String> probed = this.breaker.callAsync(() -> probe, (failure) -> "fallback");
		assertThat(this.breaker.<String>callAsync(() -> CompletableFuture.completedFuture("second"),
				(failure) -> "skipped")).as("one probe at a time").isCompletedWithValue("skipped");
		probe.complete("value");
		assertThat(probed).isCompletedWithValue("value");
		assertThat(this.breaker.isOpen()).as("the probe's success closed it").isFalse();
	}

	@Test
	void callAsyncDoesNotCountErrorReplies() {
		for (int i = 0; i < 5; i++) {
			this.breaker.callAsync(() -> CompletableFuture.failedFuture(new RedisCommandException(
					RedisCommandException.Kind.COMMAND_ERROR, "NOPERM", new IllegalStateException("NOPERM"))),
					(failure) -> null);
		}
		assertThat(this.breaker.isOpen()).isFalse();
	}

	@Test
	void theFallbackMayRethrowAfterTheBookkeeping() {
		for (int i = 0; i < 3; i++) {
			assertThatIllegalStateException().isThrownBy(() -> this.breaker.call(() -> {
				throw new IllegalStateException("mine", unavailable());
			}, (failure) -> {
				throw failure;
			}));
		}
		assertThat(this.breaker.isOpen()).isTrue();
	}

	@Test
	void aCallLetThroughBeforeTheBreakerOpenedDoesNotEndTheProbeWhenItFailsLate() throws Exception {
		// a command timeout longer than the back-off: callers that entered while the breaker was
		// closed are still waiting when the back-off has passed and the probe is in flight
		assertThat(lateOutcomeDuringTheProbe(() -> {
			throw unavailable();
		})).as("a second probe").isFalse();
		assertThat(lateOutcomeDuringTheProbe(() -> {
			throw new RedisCommandException(RedisCommandException.Kind.COMMAND_ERROR, "ERR", new IllegalStateException());
		})).as("a second probe after an error reply").isFalse();
	}

	@Test
	void aCallLetThroughBeforeTheBreakerOpenedThatSucceedsClosesIt() throws Exception {
		assertThat(lateOutcomeDuringTheProbe(() -> "late")).as("Redis answered: closed").isTrue();
	}

	/**
	 * Starts a call on a new breaker while it is closed, opens the breaker, lets the back-off
	 * pass and takes the probe, then lets the first call end as given and another back-off
	 * pass.
	 * @return whether another caller may call Redis while the probe is still in flight
	 */
	private static boolean lateOutcomeDuringTheProbe(Supplier<String> lateOutcome) throws Exception {
		MutableClock clock = new MutableClock();
		RedisCircuitBreaker breaker = new RedisCircuitBreaker(3, Duration.ofSeconds(5), clock);
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		Thread late = new Thread(() -> breaker.<String>call(() -> {
			entered.countDown();
			try {
				finish.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return lateOutcome.get();
		}, (failure) -> "fallback"));
		late.start();
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
		for (int i = 0; i < 3; i++) {
			breaker.onFailure(new IllegalStateException("down"));
		}
		clock.advance(Duration.ofSeconds(6));
		assertThat(breaker.allowRequest()).as("the probe").isTrue();
		finish.countDown();
		late.join(10_000);
		assertThat(late.isAlive()).isFalse();
		// a late failure opens the breaker for another back-off; the probe is still in flight after it
		clock.advance(Duration.ofSeconds(6));
		return breaker.allowRequest();
	}

	private static RedisCommandException unavailable() {
		return new RedisCommandException(RedisCommandException.Kind.UNAVAILABLE, "down", new IllegalStateException());
	}

	private void open() {
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onFailure(new IllegalStateException("down"));
	}

	static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}

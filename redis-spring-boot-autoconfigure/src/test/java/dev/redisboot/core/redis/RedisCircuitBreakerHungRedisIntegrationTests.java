package dev.redisboot.core.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The circuit breaker in front of a Redis that is up but does not answer (the process is
 * frozen: connections stay open, nothing is answered), with concurrent callers started
 * together: each caller returns within a bound derived from the command timeout, the breaker
 * opens once, and while it is half-open only one probe at a time reaches Redis, even though a
 * probe (bounded by the timeout) outlives the back-off. The server is the class's own: it is
 * paused.
 */
@WithRedis(isolated = true)
@ExtendWith(OutputCaptureExtension.class)
class RedisCircuitBreakerHungRedisIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	/** Shorter than the timeout: a probe is still in flight when the back-off has passed. */
	private static final Duration OPEN = Duration.ofMillis(200);

	private static final int CALLERS = 12;

	private static final byte[] KEY = "breaker:hung".getBytes(StandardCharsets.UTF_8);

	@Test
	void concurrentCallersOpenTheBreakerOnceAndOnlyOneProbeAtATimeReachesAHungRedis(StandaloneRedis redis,
			CapturedOutput output) throws InterruptedException {
		LettuceConnectionFactory connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.host(), redis.port()));
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
		try {
			LettuceCommands commands = new LettuceCommands(connectionFactory, TIMEOUT);
			RedisCircuitBreaker breaker = new RedisCircuitBreaker(3, OPEN, Clock.systemUTC());
			assertThat(breaker.<String>call(() -> {
				commands.execute((redisCommands) -> redisCommands.set(KEY, "v".getBytes(StandardCharsets.UTF_8)));
				return "answered";
			}, (failure) -> "fallback")).isEqualTo("answered");

			AtomicInteger reachedRedis = new AtomicInteger();
			AtomicInteger probes = new AtomicInteger();
			AtomicInteger probesInFlight = new AtomicInteger();
			AtomicInteger mostProbesInFlight = new AtomicInteger();
			AtomicLong longestCallNanos = new AtomicLong();
			AtomicInteger answered = new AtomicInteger();
			CountDownLatch start = new CountDownLatch(1);
			List<Thread> callers = new ArrayList<>();
			redis.node().pause();
			try {
				long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
				for (int i = 0; i < CALLERS; i++) {
					Thread caller = new Thread(() -> {
						awaitQuietly(start);
						while (System.nanoTime() < deadline) {
							long started = System.nanoTime();
							String result = breaker.<String>call(() -> {
								reachedRedis.incrementAndGet();
								boolean probe = breaker.isOpen(); // admitted while open: the probe
								if (probe) {
									probes.incrementAndGet();
									mostProbesInFlight.accumulateAndGet(probesInFlight.incrementAndGet(), Math::max);
								}
								try {
									commands.execute((redisCommands) -> redisCommands.get(KEY));
									return "answered";
								}
								finally {
									if (probe) {
										probesInFlight.decrementAndGet();
									}
								}
							}, (failure) -> "fallback");
							if ("answered".equals(result)) {
								answered.incrementAndGet();
							}
							longestCallNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
							// callers arrive every few milliseconds, not in a busy loop
							LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
						}
					}, "hung-redis-caller-" + i);
					callers.add(caller);
					caller.start();
				}
				start.countDown();
				for (Thread caller : callers) {
					caller.join(Duration.ofSeconds(30).toMillis());
					assertThat(caller.isAlive()).as("a caller hangs").isFalse();
				}
			}
			finally {
				redis.node().resume();
			}
			assertThat(answered).as("nothing answers while the server is frozen").hasValue(0);
			assertThat(Duration.ofNanos(longestCallNanos.get())).as("the longest call")
				.isLessThan(TIMEOUT.plusSeconds(2));
			assertThat(breaker.isOpen()).isTrue();
			assertThat(breaker.skippedCalls()).as("calls answered at once by the open breaker").isGreaterThan(CALLERS);
			assertThat(mostProbesInFlight).as("probes in flight at once").hasValue(1);
			assertThat(probes.get()).as("half-open probes in 2 s").isGreaterThanOrEqualTo(2);
			assertThat(reachedRedis.get() - probes.get())
				.as("calls that reached Redis while the breaker was closed: the first of each caller, and a few "
						+ "more from callers whose failure came before the breaker opened")
				.isLessThanOrEqualTo(CALLERS + 3);
			assertThat(output.getAll().lines().filter((line) -> line.contains("times in a row")).count())
				.as("the breaker opened once").isOne();

			await().atMost(Duration.ofSeconds(30))
				.until(() -> "answered".equals(breaker.<String>call(() -> {
					commands.execute((redisCommands) -> redisCommands.get(KEY));
					return "answered";
				}, (failure) -> "fallback")));
			assertThat(breaker.isOpen()).isFalse();
			assertThat(output.getAll().lines().filter((line) -> line.contains("Redis answers again")).count())
				.as("closed once").isOne();
		}
		finally {
			connectionFactory.destroy();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

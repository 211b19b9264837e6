package dev.redisboot.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;

import dev.redisboot.test.RedisBackend;
import dev.redisboot.test.StandaloneRedis;
import io.lettuce.core.event.connection.ReconnectFailedEvent;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static dev.redisboot.actuate.ObservabilityTestSupport.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health after an outage and while the connection cannot log in again: UP within 5 s of
 * Redis answering again, with the default settings, after an outage long enough that
 * Lettuce's own reconnect back-off would have grown past that; and the real cause
 * ({@code WRONGPASS}) instead of a bare timeout while reconnecting fails; and {@code DOWN}
 * within about the timeout for concurrent checks of a Redis that stops answering.
 */
class RedisHealthRecoveryIntegrationTests {

	@Test
	void healthIsUpWithinFiveSecondsOfRedisAnsweringAgain() {
		try (StandaloneRedis redis = StandaloneRedis.start(RedisBackend.LOCAL)) {
			// default health cache (2s), default reconnect delay cap (redisboot.connection.max-reconnect-delay)
			runner(redis).run((context) -> {
				RedisServerHealthIndicator indicator = context.getBean(RedisServerHealthIndicator.class);
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
				AtomicInteger failedReconnects = new AtomicInteger();
				Disposable subscription = context.getBean(LettuceConnectionFactory.class)
					.getClientResources()
					.eventBus()
					.get()
					.filter(ReconnectFailedEvent.class::isInstance)
					.subscribe((event) -> failedReconnects.incrementAndGet());
				try {
					redis.node().kill();
					await().atMost(Duration.ofSeconds(15))
						.untilAsserted(() -> assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN));
					// Lettuce's default back-off (1, 2, 4 ... ms, up to 30 s) would wait 4 s after the 13th failure
					await().atMost(Duration.ofSeconds(60)).until(() -> failedReconnects.get() >= 13);
					redis.node().start(); // returns once the server answers PING
					long started = System.nanoTime();
					await().atMost(Duration.ofSeconds(5))
						.pollInterval(Duration.ofMillis(100))
						.untilAsserted(() -> assertThat(indicator.health().getStatus()).isEqualTo(Status.UP));
					System.out.printf("health UP %d ms after Redis answered PING again (%d failed reconnects)%n",
							Duration.ofNanos(System.nanoTime() - started).toMillis(), failedReconnects.get());
				}
				finally {
					subscription.dispose();
				}
			});
		}
	}

	@Test
	void concurrentHealthChecksOfARedisThatStopsAnsweringAreDownWithinTheTimeout() throws InterruptedException {
		Duration timeout = Duration.ofMillis(500);
		try (StandaloneRedis redis = StandaloneRedis.start()) {
			// no health cache: every check wants a reading of its own. (With the defaults, 2s and 2s, a
			// reading of a frozen server is as old as the cache time when it ends: the same case.)
			runner(redis)
				.withPropertyValues("redisboot.observability.timeout=" + timeout.toMillis() + "ms",
						"redisboot.observability.health.cache-time-to-live=0")
				.run((context) -> {
					RedisServerHealthIndicator indicator = context.getBean(RedisServerHealthIndicator.class);
					assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
					int callers = 10;
					CountDownLatch start = new CountDownLatch(1);
					Map<Status, Integer> statuses = new ConcurrentHashMap<>();
					AtomicLong longestNanos = new AtomicLong();
					List<Thread> threads = new ArrayList<>();
					redis.node().pause();
					try {
						for (int i = 0; i < callers; i++) {
							Thread thread = new Thread(() -> {
								try {
									start.await();
								}
								catch (InterruptedException ex) {
									Thread.currentThread().interrupt();
									return;
								}
								long started = System.nanoTime();
								Status status = indicator.health().getStatus();
								longestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
								statuses.merge(status, 1, Integer::sum);
							});
							threads.add(thread);
							thread.start();
						}
						start.countDown();
						for (Thread thread : threads) {
							thread.join(30_000);
						}
					}
					finally {
						redis.node().resume();
					}
					assertThat(statuses).isEqualTo(Map.of(Status.DOWN, callers));
					// one reading shared by all: about one timeout, not one timeout per caller in turn
					assertThat(Duration.ofNanos(longestNanos.get())).isLessThan(timeout.multipliedBy(2).plusSeconds(2));
					await().atMost(Duration.ofSeconds(10))
						.untilAsserted(() -> assertThat(indicator.health().getStatus()).isEqualTo(Status.UP));
				});
		}
	}

	@Test
	void healthCarriesWrongpassWhileReconnectingFails() {
		try (StandaloneRedis redis = StandaloneRedis.startWithAclUser("~* &* +@all")) {
			runner(redis)
				.withPropertyValues("redisboot.observability.health.cache-time-to-live=0",
						"redisboot.observability.timeout=1s")
				.run((context) -> {
					RedisServerHealthIndicator indicator = context.getBean(RedisServerHealthIndicator.class);
					assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
					// the password changes on the server and the connection drops: every reconnect is refused
					redis.node().execute("ACL", "SETUSER", StandaloneRedis.ACL_USER, "resetpass", ">changed-elsewhere");
					redis.node().execute("CLIENT", "KILL", "USER", StandaloneRedis.ACL_USER);
					await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
						Health health = indicator.health();
						assertThat(health.getStatus()).isEqualTo(Status.DOWN);
						assertThat((String) health.getDetails().get("error")).contains("WRONGPASS")
							.doesNotContain("changed-elsewhere", redis.password().orElseThrow());
					});
				});
		}
	}

}

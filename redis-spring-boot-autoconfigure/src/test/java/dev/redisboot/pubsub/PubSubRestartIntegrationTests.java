package dev.redisboot.pubsub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.redisboot.pubsub.PubSubTestApplication.Listeners;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.pubsub.PubSubTestApplication.Order;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Redis stops answering for a while, then restarts, under a running application: both a {@code @RedisListener} method and a
 * plain {@code MessageListener} receive messages again by themselves, through Lettuce's
 * reconnect and resubscribe, with nothing to do for the application. Messages published
 * while Redis is down are lost (at most once), so each check publishes until one arrives.
 * While the server does not answer, the publisher's circuit breaker opens after the first
 * failure (threshold 1): concurrent publishers then fail at once, and only its probes, one
 * at a time, reach Redis.
 */
@WithRedis(isolated = true)
class PubSubRestartIntegrationTests {

	private static final Duration RECOVERY = Duration.ofSeconds(30);

	private static final Duration PUBLISH_TIMEOUT = Duration.ofMillis(300);

	/** Longer than the timeout: a failed probe keeps the breaker open a while. */
	private static final Duration OPEN = Duration.ofSeconds(1);

	private static final int PUBLISHERS = 8;

	@Test
	void listenersResumeByThemselvesAfterRedisRestartsOrCrashes(StandaloneRedis redis) throws InterruptedException {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PubSubTestApplication.class)
			.web(WebApplicationType.NONE)
			.properties(redis.propertyValues())
			.properties("redisboot.cache.enabled=false", "spring.main.banner-mode=off",
					"redisboot.pubsub.timeout=" + PUBLISH_TIMEOUT.toMillis() + "ms",
					"redisboot.pubsub.circuit-breaker.failure-threshold=1",
					"redisboot.pubsub.circuit-breaker.open-duration=" + OPEN.toMillis() + "ms")
			.run()) {
			Queue<String> plain = new ConcurrentLinkedQueue<>();
			context.getBean(RedisMessageListenerContainer.class)
				.addMessageListener((message, pattern) -> plain.add(new String(message.getBody(), StandardCharsets.UTF_8)),
						ChannelTopic.of("plain"));
			RedisNode node = redis.node();
			assertDelivered(context, plain, "before");

			// a server that does not answer: publish fails within its timeout, and the message it had
			// sent is delivered once the server answers again (the caller cannot tell it was)
			RedisPublisher publisher = context.getBean(RedisPublisher.class);
			node.execute("CONFIG", "RESETSTAT");
			AtomicInteger burst = new AtomicInteger();
			node.pause();
			long started = System.nanoTime();
			long window;
			try {
				assertThatExceptionOfType(RedisCommandException.class)
					.isThrownBy(() -> publisher.publish("plain", "frozen"));
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PUBLISH_TIMEOUT.plusSeconds(2));
				assertThat(publisher.getCircuitBreaker().isOpen()).isTrue();
				window = System.nanoTime();
				concurrentPublishes(publisher, burst);
				window = System.nanoTime() - window;
			}
			finally {
				node.resume();
			}
			// the publishes Redis runs once it answers: the first, and one per probe (one per open-duration at most)
			long probesAtMost = Duration.ofNanos(window).toMillis() / OPEN.toMillis() + 1;
			await().atMost(RECOVERY).until(() -> publishes(node) >= 2);
			long probes = publishes(node) - 1;
			assertThat(probes).as("probes that reached Redis").isBetween(1L, probesAtMost);
			assertThat(context.getBean(MeterRegistry.class)
				.get("redisboot.pubsub.messages")
				.tag("channel", "burst")
				.tag("result", "short-circuited")
				.counter()
				.count()).as("publishes not sent").isEqualTo(burst.get() - probes);
			await().atMost(RECOVERY).untilAsserted(() -> assertThat(plain).contains("frozen"));
			assertDelivered(context, plain, "after-pause");

			node.restart();
			assertDelivered(context, plain, "after-restart");

			node.kill();
			node.start();
			assertDelivered(context, plain, "after-crash");

			assertThat(node.execute("PUBSUB", "NUMSUB", "orders", "plain")).as("resubscribed once, not twice")
				.isEqualTo(List.of("orders", 1L, "plain", 1L));
		}
	}

	/**
	 * {@value #PUBLISHERS} threads publish for 2 s while Redis does not answer and the breaker
	 * is open: each publish throws, the probes within the timeout, the others at once.
	 */
	private static void concurrentPublishes(RedisPublisher publisher, AtomicInteger calls) throws InterruptedException {
		AtomicInteger published = new AtomicInteger();
		AtomicLong slowest = new AtomicLong();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
		for (int i = 0; i < PUBLISHERS; i++) {
			Thread thread = new Thread(() -> {
				try {
					start.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				while (System.nanoTime() < deadline) {
					long began = System.nanoTime();
					try {
						publisher.publish("burst", "m");
						published.incrementAndGet();
					}
					catch (RedisCommandException ex) {
						// expected: Redis does not answer
					}
					slowest.accumulateAndGet(System.nanoTime() - began, Math::max);
					calls.incrementAndGet();
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
				}
			}, "publisher-" + i);
			threads.add(thread);
			thread.start();
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join(Duration.ofSeconds(30).toMillis());
			assertThat(thread.isAlive()).as("a publisher hangs").isFalse();
		}
		assertThat(published).as("publishes that succeeded while Redis does not answer").hasValue(0);
		assertThat(calls.get()).as("publishes in 2 s").isGreaterThanOrEqualTo(PUBLISHERS * 2);
		// without a breaker each publish waits for the timeout: PUBLISHERS publishes would take 2.4 s at least
		assertThat(Duration.ofNanos(slowest.get())).as("the slowest publish")
			.isLessThan(PUBLISH_TIMEOUT.plusSeconds(1));
	}

	private static long publishes(RedisNode node) {
		Map<String, String> stats = node.info("commandstats");
		String value = stats.get("cmdstat_publish");
		if (value == null) {
			return 0;
		}
		for (String part : value.split(",")) {
			if (part.startsWith("calls=")) {
				return Long.parseLong(part.substring("calls=".length()));
			}
		}
		return 0;
	}

	private static void assertDelivered(ConfigurableApplicationContext context, Queue<String> plain, String id) {
		RedisPublisher publisher = context.getBean(RedisPublisher.class);
		Listeners listeners = context.getBean(Listeners.class);
		// publishing fails while Redis is down, and a message sent before resubscription is lost
		await().atMost(RECOVERY).ignoreExceptions().untilAsserted(() -> {
			if (!listeners.orders.contains(new Order(id, 1))) {
				publisher.publish("orders", new Order(id, 1));
			}
			if (!plain.contains(id)) {
				publisher.publish("plain", id);
			}
			assertThat(listeners.orders).contains(new Order(id, 1));
			assertThat(plain).contains(id);
		});
	}

}

package dev.redisboot.pubsub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.redisboot.pubsub.PubSubTestApplication.Listeners;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.pubsub.PubSubTestApplication.Order;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
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
 */
@WithRedis(isolated = true)
class PubSubRestartIntegrationTests {

	private static final Duration RECOVERY = Duration.ofSeconds(30);

	private static final Duration PUBLISH_TIMEOUT = Duration.ofMillis(300);

	@Test
	void listenersResumeByThemselvesAfterRedisRestartsOrCrashes(StandaloneRedis redis) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(PubSubTestApplication.class)
			.web(WebApplicationType.NONE)
			.properties(redis.propertyValues())
			.properties("redisboot.cache.enabled=false", "spring.main.banner-mode=off",
					"redisboot.pubsub.timeout=" + PUBLISH_TIMEOUT.toMillis() + "ms")
			.run()) {
			Queue<String> plain = new ConcurrentLinkedQueue<>();
			context.getBean(RedisMessageListenerContainer.class)
				.addMessageListener((message, pattern) -> plain.add(new String(message.getBody(), StandardCharsets.UTF_8)),
						ChannelTopic.of("plain"));
			RedisNode node = redis.node();
			assertDelivered(context, plain, "before");

			// a server that does not answer: publish fails within its timeout, and the message it had
			// sent is delivered once the server answers again (the caller cannot tell it was)
			node.pause();
			long started = System.nanoTime();
			try {
				assertThatExceptionOfType(RedisCommandException.class)
					.isThrownBy(() -> context.getBean(RedisPublisher.class).publish("plain", "frozen"));
			}
			finally {
				node.resume();
			}
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PUBLISH_TIMEOUT.plusSeconds(2));
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

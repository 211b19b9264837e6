package dev.redisboot.pubsub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Boot's listener container runs listeners on redisboot's bounded executor
 * ({@code redisboot.pubsub.listener.*}) instead of a new thread per message; when listeners
 * fall behind by more than the queue, messages are dropped, counted and logged once, and the
 * subscription goes on.
 */
@WithRedis
@ExtendWith(OutputCaptureExtension.class)
class PubSubListenerExecutorIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@Test
	void listenersRunOnTheBoundedExecutorsThreads(StandaloneRedis redis) {
		try (ConfigurableApplicationContext context = start(redis, "redisboot.pubsub.listener.threads=2")) {
			Queue<String> threads = new ConcurrentLinkedQueue<>();
			subscribe(context, "executor-names", (body) -> threads.add(Thread.currentThread().getName()));
			RedisPublisher publisher = context.getBean(RedisPublisher.class);
			await().atMost(WAIT).untilAsserted(() -> {
				publisher.publish("executor-names", "x");
				assertThat(threads).hasSizeGreaterThanOrEqualTo(5);
			});
			assertThat(threads).allSatisfy((name) -> assertThat(name).startsWith("redisboot-pubsub-"));
			assertThat(threads.stream().distinct().count()).isLessThanOrEqualTo(2);
		}
	}

	@Test
	void messagesBeyondTheQueueAreDroppedCountedAndLoggedOnce(StandaloneRedis redis, CapturedOutput output)
			throws InterruptedException {
		try (ConfigurableApplicationContext context = start(redis, "redisboot.pubsub.listener.threads=1",
				"redisboot.pubsub.listener.queue-capacity=2")) {
			CountDownLatch release = new CountDownLatch(1);
			CountDownLatch firstArrived = new CountDownLatch(1);
			AtomicInteger received = new AtomicInteger();
			subscribe(context, "executor-slow", (body) -> {
				firstArrived.countDown();
				try {
					release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				received.incrementAndGet();
			});
			RedisPublisher publisher = context.getBean(RedisPublisher.class);
			// the first message occupies the only thread
			await().atMost(WAIT).until(() -> {
				publisher.publish("executor-slow", "first");
				return firstArrived.await(100, TimeUnit.MILLISECONDS);
			});
			int published = 1 + (int) (received.get());
			for (int i = 0; i < 10; i++) {
				publisher.publish("executor-slow", "burst-" + i);
			}
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().atMost(WAIT).until(() -> dropped(registry) >= 8);
			release.countDown();
			// the thread's message and the 2 queued ones run; nothing else was waiting
			await().atMost(WAIT).untilAsserted(() -> assertThat(received.get() + dropped(registry))
				.isGreaterThanOrEqualTo(published + 10 - 1));
			assertThat(output.getAll().split("A pub/sub message was dropped", -1)).hasSize(2);

			// the subscription goes on
			AtomicInteger later = new AtomicInteger();
			subscribe(context, "executor-after", (body) -> later.incrementAndGet());
			await().atMost(WAIT).untilAsserted(() -> {
				publisher.publish("executor-after", "x");
				assertThat(later.get()).isPositive();
			});
		}
	}

	@Test
	void aThreadCountBelowOneFailsStartupNamingTheProperty(StandaloneRedis redis) {
		assertThatException().isThrownBy(() -> start(redis, "redisboot.pubsub.listener.threads=0").close())
			.satisfies((ex) -> {
				Throwable cause = ex;
				while (cause != null && !(cause instanceof InvalidPropertyException)) {
					cause = cause.getCause();
				}
				assertThat(cause).isInstanceOf(InvalidPropertyException.class);
				assertThat(((InvalidPropertyException) cause).getPropertyName())
					.isEqualTo("redisboot.pubsub.listener.threads");
			});
	}

	private static double dropped(MeterRegistry registry) {
		Counter counter = registry.find("redisboot.pubsub.messages").tag("result", "dropped").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static void subscribe(ConfigurableApplicationContext context, String channel,
			java.util.function.Consumer<String> listener) {
		context.getBean(RedisMessageListenerContainer.class)
			.addMessageListener((message, pattern) -> listener.accept(new String(message.getBody(), StandardCharsets.UTF_8)),
					ChannelTopic.of(channel));
	}

	private static ConfigurableApplicationContext start(StandaloneRedis redis, String... properties) {
		return new SpringApplicationBuilder(PubSubTestApplication.class).web(WebApplicationType.NONE)
			.properties(redis.propertyValues())
			.properties("redisboot.cache.enabled=false", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

}

package dev.redisboot.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.redisboot.stream.autoconfigure.StreamListenerContainerCustomizer;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link StreamListenerContainerCustomizer} beans on real Redis: a handler the application
 * registers itself is consumed like an annotated one, with the settings of
 * {@code redisboot.stream.*}, and the consumers run on the threads the application
 * supplies.
 */
@WithRedis
class StreamListenerContainerCustomizerIntegrationTests {

	@Test
	void aRegisteredHandlerIsConsumedOnTheSuppliedThreads() {
		try (ConfigurableApplicationContext a = StreamInstances.start(RedisDeployments.sharedStandalone(),
				AbstractStreamIntegrationTests.newPrefix(), new Class<?>[] { Customizers.class })) {
			Customizers customizers = a.getBean(Customizers.class);
			assertThat(customizers.applied).containsExactly("handler", "threads");
			a.getBean(StreamPublisher.class).add("audit", "entry-1");
			a.getBean(StreamPublisher.class).add("audit", "entry-2");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(customizers.handled).containsExactly("entry-1", "entry-2"));
			assertThat(customizers.handlerThreads).allSatisfy((thread) -> {
				assertThat(customizers.madeThreads).contains(thread);
				assertThat(thread.getName()).startsWith("redisboot-stream-audit-");
			});
			// the annotated listeners' consumers come from the same factory
			assertThat(customizers.madeThreads).extracting(Thread::getName)
				.anyMatch((name) -> name.startsWith("redisboot-stream-jobs-"));
			assertThat(AbstractStreamIntegrationTests.count(a, "audit", "auditors", "processed")).isEqualTo(2);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		final List<String> applied = new CopyOnWriteArrayList<>();

		final List<String> handled = new CopyOnWriteArrayList<>();

		final List<Thread> handlerThreads = new CopyOnWriteArrayList<>();

		final List<Thread> madeThreads = new CopyOnWriteArrayList<>();

		@Bean
		@Order(1)
		StreamListenerContainerCustomizer auditHandler() {
			return (container) -> {
				this.applied.add("handler");
				container.register(new StreamSubscription("audit", "audit", "auditors", 1,
						container.getDefaultSettings(), (fields, delivery) -> {
							this.handlerThreads.add(Thread.currentThread());
							this.handled.add(new String(fields.get("payload"), StandardCharsets.UTF_8));
						}));
			};
		}

		@Bean
		@Order(2)
		StreamListenerContainerCustomizer consumerThreads() {
			return (container) -> {
				this.applied.add("threads");
				container.setThreadFactory((task) -> {
					Thread thread = new Thread(task);
					thread.setDaemon(true);
					this.madeThreads.add(thread);
					return thread;
				});
			};
		}

	}

}

package dev.redisboot.stream;

import java.time.Duration;

import dev.redisboot.stream.StreamTestApplication.Email;
import dev.redisboot.stream.StreamTestApplication.Order;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.redisboot.stream.StreamInstances.recorder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stream listeners and job handlers on a Redis that restarts (without persistence, so
 * streams and groups are gone afterwards): consumers resume by themselves and create their
 * groups again.
 */
@WithRedis
class StreamRestartIntegrationTests {

	private static StandaloneRedis redis;

	@BeforeAll
	static void startRedis() {
		redis = StandaloneRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void consumersResumeAfterRedisRestarts() {
		try (ConfigurableApplicationContext a = StreamInstances.start(redis, "restart")) {
			a.getBean(StreamPublisher.class).add("orders", new Order("before", 0));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("order:before")).hasSize(1));
			redis.node().restart();
			// entries added while Redis is down fail to add; after the restart, new ones are consumed
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
				try {
					a.getBean(StreamPublisher.class).add("orders", new Order("after", 0));
					a.getBean(JobQueue.class).enqueue("email", new Email("after@example.com"));
				}
				catch (RuntimeException ex) {
					// Redis not back yet
				}
				assertThat(recorder(a).handled("order:after")).isNotEmpty();
				assertThat(recorder(a).handled("email:after@example.com")).isNotEmpty();
			});
		}
	}

}

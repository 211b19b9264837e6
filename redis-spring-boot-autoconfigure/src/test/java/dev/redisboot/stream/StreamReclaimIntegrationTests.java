package dev.redisboot.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.redisboot.stream.AbstractStreamIntegrationTests.registry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reclaim, the risky half of at-least-once delivery: an entry taken from a consumer that is
 * alive but slower than {@code reclaim-idle} runs twice, and the handler check that
 * docs/messaging.md advises (keyed on {@link StreamDelivery#jobId()}) applies its effect once;
 * an entry delivered more than {@code max-attempts} times is dead-lettered on reclaim instead
 * of being processed again.
 */
@WithRedis
@Timeout(60)
class StreamReclaimIntegrationTests {

	private static String newPrefix() {
		return "rclm-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void anEntryReclaimedFromASlowButLiveConsumerRunsTwiceAndAnIdempotentHandlerAppliesItOnce() throws Exception {
		String prefix = newPrefix();
		String[] properties = { "redisboot.stream.reclaim-idle=1s", "redisboot.jobs.concurrency=1" };
		try (ConfigurableApplicationContext a = StreamInstances.start(RedisDeployments.sharedStandalone(), prefix,
				new Class<?>[] { ReportsConfiguration.class }, with(properties, "test.hold-reports=true"))) {
			Reports slow = a.getBean(Reports.class);
			String jobId = a.getBean(JobQueue.class).enqueue("report", "2026-11");
			assertThat(slow.started.await(10, TimeUnit.SECONDS)).as("the first consumer holds the job").isTrue();
			try (ConfigurableApplicationContext b = StreamInstances.start(RedisDeployments.sharedStandalone(), prefix,
					new Class<?>[] { ReportsConfiguration.class }, properties)) {
				Reports fast = b.getBean(Reports.class);
				// the first consumer is alive, only slower than reclaim-idle: b takes the job over
				await().atMost(Duration.ofSeconds(15)).until(() -> fast.finished.size() == 1);
				assertThat(fast.effects).containsExactly("2026-11");
				slow.release.countDown();
				await().atMost(Duration.ofSeconds(10)).until(() -> slow.finished.size() == 1);
				// processed twice, by design: same entry, same job id, same attempt
				StreamDelivery first = slow.finished.get(0);
				StreamDelivery second = fast.finished.get(0);
				assertThat(second.id()).isEqualTo(first.id());
				assertThat(first.jobId()).isEqualTo(jobId);
				assertThat(second.jobId()).isEqualTo(jobId);
				assertThat(second.attempt()).isEqualTo(first.attempt());
				// the check keyed on the job id kept the effect to one
				assertThat(slow.effects).as("the slow consumer's run found the job done").isEmpty();
				StreamStore store = b.getBean(StreamStore.class);
				String stream = a.getBean(JobQueue.class).getStream();
				await().atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(store.stats(stream, first.group()).pending()).isZero());
				assertThat(registry(b).get("redisboot.stream.reclaimed").tag("stream", stream).counter().count())
					.isOne();
				assertThat(AbstractStreamIntegrationTests.count(a, stream, first.group(), "processed")).isOne();
				assertThat(AbstractStreamIntegrationTests.count(b, stream, first.group(), "processed")).isOne();
				assertThat(store.deadLetters(stream, 10)).isEmpty();
			}
		}
	}

	@Test
	void anEntryDeliveredMoreThanMaxAttemptsTimesIsDeadLetteredOnReclaimNotProcessed() {
		String prefix = newPrefix();
		RedisNode node = RedisDeployments.sharedStandalone().nodes().get(0);
		String key = new RedisKeyNamer(prefix).hashTaggedKey("stream", "poison");
		node.execute("XGROUP", "CREATE", key, "workers", "0", "MKSTREAM");
		String survivor = (String) node.execute("XADD", key, "*", StreamFields.PAYLOAD, "\"survivor\"");
		String poison = (String) node.execute("XADD", key, "*", StreamFields.PAYLOAD, "\"poison\"");
		// consumers that died holding the entries (a handler that kills its process): the
		// survivor was delivered once, the poison entry twice, the listener allows 2 attempts
		node.execute("XREADGROUP", "GROUP", "workers", "dead-1", "COUNT", "2", "STREAMS", key, ">");
		node.execute("XCLAIM", key, "workers", "dead-2", "0", poison);
		try (ConfigurableApplicationContext a = StreamInstances.start(RedisDeployments.sharedStandalone(), prefix,
				new Class<?>[] { PoisonConfiguration.class }, "redisboot.stream.reclaim-idle=1s")) {
			Poisoned handled = a.getBean(Poisoned.class);
			StreamStore store = a.getBean(StreamStore.class);
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(store.deadLetters("poison", 10)).hasSize(1));
			await().atMost(Duration.ofSeconds(15)).until(() -> handled.deliveries.size() == 1);
			assertThat(handled.deliveries).extracting(StreamDelivery::id).as("the poison entry never ran")
				.containsExactly(survivor);
			Map<String, String> letter = store.deadLetters("poison", 10).values().iterator().next();
			assertThat(letter).containsEntry("source-id", poison)
				.containsEntry("group", "workers")
				.containsEntry("payload", "\"poison\"");
			assertThat(letter.get("error")).startsWith("Abandoned 2 times");
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(store.stats("poison", "workers").pending()).isZero());
			assertThat(AbstractStreamIntegrationTests.count(a, "poison", "workers", "dead-lettered")).isOne();
			assertThat(AbstractStreamIntegrationTests.count(a, "poison", "workers", "processed")).isOne();
			assertThat(registry(a).get("redisboot.stream.reclaimed").tag("stream", "poison").counter().count())
				.isEqualTo(2);
		}
	}

	private static String[] with(String[] properties, String extra) {
		List<String> all = new java.util.ArrayList<>(List.of(properties));
		all.add(extra);
		return all.toArray(String[]::new);
	}

	@Configuration(proxyBeanMethods = false)
	static class ReportsConfiguration {

		@Bean
		Reports reports(Environment environment, StringRedisTemplate redis) {
			return new Reports(environment.getProperty("test.hold-reports", Boolean.class, false), redis,
					environment.getRequiredProperty("redisboot.key-prefix"));
		}

	}

	/**
	 * A job handler made idempotent as docs/messaging.md advises: the effect is applied only
	 * by the first run that marks the job id done, whatever consumer runs it.
	 */
	static class Reports {

		final CountDownLatch started = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final List<StreamDelivery> finished = new CopyOnWriteArrayList<>();

		final List<String> effects = new CopyOnWriteArrayList<>();

		private final boolean hold;

		private final StringRedisTemplate redis;

		private final String prefix;

		Reports(boolean hold, StringRedisTemplate redis, String prefix) {
			this.hold = hold;
			this.redis = redis;
			this.prefix = prefix;
		}

		@JobHandler("report")
		void report(String month, StreamDelivery delivery) throws InterruptedException {
			if (this.hold) {
				this.started.countDown();
				this.release.await(30, TimeUnit.SECONDS); // slow, but alive
			}
			String done = this.prefix + ":test:report-done:" + delivery.jobId();
			if (Boolean.TRUE.equals(this.redis.opsForValue().setIfAbsent(done, "1", Duration.ofMinutes(5)))) {
				this.effects.add(month);
			}
			this.finished.add(delivery);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PoisonConfiguration {

		@Bean
		Poisoned poisoned() {
			return new Poisoned();
		}

	}

	static class Poisoned {

		final List<StreamDelivery> deliveries = new CopyOnWriteArrayList<>();

		@RedisStreamListener(stream = "poison", group = "workers", maxAttempts = 2)
		void handle(String payload, StreamDelivery delivery) {
			this.deliveries.add(delivery);
		}

	}

}

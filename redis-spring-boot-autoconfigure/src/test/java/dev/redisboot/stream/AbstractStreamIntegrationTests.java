package dev.redisboot.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.redisboot.stream.StreamTestApplication.Email;
import dev.redisboot.stream.StreamTestApplication.Handled;
import dev.redisboot.stream.StreamTestApplication.Order;
import dev.redisboot.test.RedisDeployment;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.redisboot.stream.StreamInstances.recorder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stream listeners and jobs on real Redis, run on each topology: acknowledgement, retries,
 * dead letters, delayed and idempotent jobs, fan-out to groups, and reclaim of entries that a
 * stopped consumer left pending.
 */
abstract class AbstractStreamIntegrationTests {

	protected abstract RedisDeployment redis();

	protected static String newPrefix() {
		return "strm-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void everyGroupGetsEachEntryOnceAndNothingStaysPending() {
		try (ConfigurableApplicationContext a = StreamInstances.start(redis(), newPrefix())) {
			StreamPublisher publisher = a.getBean(StreamPublisher.class);
			for (int i = 0; i < 20; i++) {
				publisher.add("orders", new Order("o" + i, 0));
			}
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("order:")).hasSize(20));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("ship:")).hasSize(20));
			assertThat(recorder(a).handled("order:")).doesNotHaveDuplicates();
			StreamStore store = a.getBean(StreamStore.class);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(store.stats("orders", "billing").pending()).isZero());
			assertThat(store.stats("orders", "billing").lag()).isZero();
			// counted after the acknowledgement returned
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(count(a, "orders", "billing", "processed")).isEqualTo(20));
		}
	}

	@Test
	void aFailingEntryIsRetriedWithBackoffInItsOwnGroupOnly() {
		try (ConfigurableApplicationContext a = StreamInstances.start(redis(), newPrefix())) {
			a.getBean(StreamPublisher.class).add("orders", new Order("flaky", 2));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("order:flaky"))
					.containsExactly("order:flaky:1", "order:flaky:2", "order:flaky:3"));
			List<Handled> attempts = recorder(a).handled.stream().filter((h) -> h.what().startsWith("order:flaky")).toList();
			// back-off: 100 ms, then 200 ms
			assertThat(attempts.get(1).atMillis() - attempts.get(0).atMillis()).isGreaterThanOrEqualTo(100);
			assertThat(attempts.get(2).atMillis() - attempts.get(1).atMillis()).isGreaterThanOrEqualTo(200);
			assertThat(recorder(a).handled("ship:flaky")).as("the other group got it once").hasSize(1);
			// counted once the entry is acknowledged, after the handler returned
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(count(a, "orders", "billing", "retried")).isEqualTo(2);
				assertThat(count(a, "orders", "billing", "processed")).isEqualTo(1);
			});
		}
	}

	@Test
	void anEntryThatKeepsFailingEndsInTheDeadLetterStreamWithItsReason() {
		try (ConfigurableApplicationContext a = StreamInstances.start(redis(), newPrefix())) {
			a.getBean(StreamPublisher.class).add("orders", new Order("doomed", 99));
			StreamStore store = a.getBean(StreamStore.class);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(store.stats("orders", "billing").deadLetters()).isEqualTo(1));
			assertThat(recorder(a).handled("order:doomed")).hasSize(3);
			Map<String, String> letter = store.deadLetters("orders", 10).values().iterator().next();
			assertThat(letter).containsEntry("attempt", "3")
				.containsEntry("group", "billing")
				.containsKey("source-id")
				.containsKey("failed-at");
			assertThat(letter.get("error")).contains("IllegalStateException").contains("Payment service down for doomed");
			assertThat(letter.get("payload")).contains("\"doomed\"");
			assertThat(count(a, "orders", "billing", "dead-lettered")).isEqualTo(1);
			// a listener that keeps failing still receives the next entry
			a.getBean(StreamPublisher.class).add("orders", new Order("fine", 0));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("order:fine")).containsExactly("order:fine:1"));
			// the Actuator endpoint shows the dead letter without its payload, and retries it: attempts start again
			StreamsEndpoint endpoint = new StreamsEndpoint(a.getBean(StreamListenerContainer.class), store, 1000);
			assertThat(endpoint.streams()).extracting(StreamStats::group).contains("billing", "shipping");
			Map<String, Object> orders = endpoint.stream("orders");
			@SuppressWarnings("unchecked")
			Map<String, Map<String, String>> letters = (Map<String, Map<String, String>>) orders.get("deadLetters");
			assertThat(letters.values()).singleElement()
				.satisfies((shown) -> assertThat(shown).doesNotContainKey("payload").containsEntry("attempt", "3"));
			assertThat(endpoint.retryDeadLetters("orders", "billing", 10)).containsEntry("retried", 1);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("order:doomed")).hasSize(6));
		}
	}

	@Test
	void aPayloadThatIsNotJsonForTheListenerIsDeadLetteredAtOnce() {
		try (ConfigurableApplicationContext a = StreamInstances.start(redis(), newPrefix())) {
			a.getBean(StreamPublisher.class).add("orders", "{not json");
			StreamStore store = a.getBean(StreamStore.class);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(store.stats("orders", "billing").deadLetters()).isEqualTo(2));
			assertThat(store.deadLetters("orders", 10).values()).allSatisfy((letter) -> assertThat(letter)
				.containsEntry("attempt", "1")
				.hasEntrySatisfying("error", (error) -> assertThat(error).contains("not valid JSON")));
		}
	}

	@Test
	void jobsRunOnceDelayedJobsNoEarlierThanAskedAndIdempotentJobsOnce() {
		try (ConfigurableApplicationContext a = StreamInstances.start(redis(), newPrefix())) {
			JobQueue jobs = a.getBean(JobQueue.class);
			jobs.enqueue("email", new Email("now@example.com"));
			long enqueuedAt = System.currentTimeMillis();
			String delayed = jobs.enqueueIn(Duration.ofSeconds(2), "email", new Email("later@example.com"));
			String first = jobs.enqueue("email", new Email("once@example.com"), "welcome:42");
			String second = jobs.enqueue("email", new Email("once@example.com"), "welcome:42");
			assertThat(second).isEqualTo(first);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:")).containsExactlyInAnyOrder(
						"email:now@example.com", "email:once@example.com", "email:later@example.com"));
			Handled later = recorder(a).handled.stream()
				.filter((h) -> h.what().equals("email:later@example.com"))
				.findFirst()
				.orElseThrow();
			assertThat(later.atMillis() - enqueuedAt).isGreaterThanOrEqualTo(2000);
			assertThat(later.delivery().jobId()).isEqualTo(delayed);
		}
	}

	@Test
	void aJobOfAnUnknownTypeIsDeadLetteredAtOnce() {
		try (ConfigurableApplicationContext a = StreamInstances.start(redis(), newPrefix())) {
			a.getBean(JobQueue.class).enqueue("sms", "hello");
			StreamStore store = a.getBean(StreamStore.class);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(store.stats("jobs", "jobs").deadLetters()).isEqualTo(1));
			assertThat(store.deadLetters("jobs", 1).values().iterator().next().get("error"))
				.contains("No @JobHandler for job type 'sms'");
		}
	}

	@Test
	void anEntryLeftPendingByAStoppedConsumerIsReclaimedByAnother() {
		String prefix = newPrefix();
		ConfigurableApplicationContext a = StreamInstances.start(redis(), prefix, "test.block-slow=true",
				"redisboot.stream.reclaim-idle=1s");
		String id;
		try {
			id = a.getBean(StreamPublisher.class).add("slow", "job-1");
			await().atMost(Duration.ofSeconds(10)).until(() -> recorder(a).slowStarted.getCount() == 0);
			assertThat(a.getBean(StreamStore.class).stats("slow", "workers").pending()).isEqualTo(1);
		}
		finally {
			a.close(); // the handler is still running: the entry is never acknowledged by this instance
		}
		// not checked again here: b may reclaim it before its startup returns (reclaim-idle has passed);
		// that b reclaimed one entry, below, shows it was still pending
		try (ConfigurableApplicationContext b = StreamInstances.start(redis(), prefix,
				"redisboot.stream.reclaim-idle=1s")) {
			StreamStore store = b.getBean(StreamStore.class);
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(recorder(b).handled("slow:")).containsExactly("slow:job-1"));
			assertThat(recorder(b).handled.get(0).delivery().id()).isEqualTo(id);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(store.stats("slow", "workers").pending()).isZero());
			assertThat(registry(b).get("redisboot.stream.reclaimed").tag("stream", "slow").counter().count())
				.isEqualTo(1);
		}
	}

	static double count(ConfigurableApplicationContext context, String stream, String group, String result) {
		var counter = registry(context).find("redisboot.stream.messages")
			.tag("stream", stream)
			.tag("group", group)
			.tag("result", result)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	static MeterRegistry registry(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class);
	}

}

package dev.redisboot.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.redisboot.stream.StreamTestApplication.Email;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.redisboot.stream.StreamInstances.recorder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile and broken state in the stream key families (delayed sets, dead-letter streams,
 * idempotency keys, the streams and their groups): consumers never stop, each fault is
 * counted, the log gets a bounded number of lines that never quote stored bytes, and
 * everything works again once the state is repaired, without a restart.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class AbstractStreamFaultIntegrationTests {

	protected abstract StandaloneRedis redis();

	private RedisNode node() {
		return redis().node();
	}

	@Test
	void aPoisonMemberOfTheDelayedSetIsDeadLetteredWithItsReasonAndTheOthersMove(CapturedOutput output) {
		String prefix = AbstractStreamIntegrationTests.newPrefix();
		try (ConfigurableApplicationContext a = StreamInstances.start(redis(), prefix)) {
			StreamStore store = a.getBean(StreamStore.class);
			String delayed = store.keys().delayedKey("jobs");
			node().execute("ZADD", delayed, "0", "not json, mail secret@example.com", "0", "{\"type\":\"email\"}", "0",
					"[1,2]", "0", "[\"type\"]", "0", "[]");
			JobQueue jobs = a.getBean(JobQueue.class);
			String later = jobs.enqueueIn(Duration.ofMillis(100), "email", new Email("later@example.com"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:")).containsExactly("email:later@example.com"));
			assertThat(recorder(a).handled.get(0).delivery().jobId()).isEqualTo(later);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(store.stats("jobs", "jobs").deadLetters()).isEqualTo(5));
			assertThat(node().execute("ZCARD", delayed)).isEqualTo(0L);
			assertThat(store.deadLetters("jobs", 10).values()).allSatisfy((letter) -> {
				assertThat(letter.get("error")).startsWith("Unreadable delayed entry: ");
				assertThat(letter).containsKey("delayed-member").containsKey("failed-at");
			});
			assertThat(fault(a, "delayed-member")).isEqualTo(5);
			StreamsEndpoint endpoint = new StreamsEndpoint(a.getBean(StreamListenerContainer.class), store, 1000);
			assertThat(endpoint.stream("jobs").toString()).as("the endpoint shows no member: it may hold a payload")
				.doesNotContain("secret@example.com")
				.contains("Unreadable delayed entry");
			assertThat(store.retryDeadLetters("jobs", null, 100, 1000)).as("nothing in them to retry").isZero();
			// but each can be deleted; a dead-letter key of another type is a 503, not an exception
			StreamsEndpointWebExtension web = new StreamsEndpointWebExtension(endpoint);
			String first = store.deadLetters("jobs", 1).keySet().iterator().next();
			assertThat(web.deleteDeadLetter("jobs", "dead-letters", first).getStatus()).isEqualTo(200);
			assertThat(store.stats("jobs", "jobs").deadLetters()).isEqualTo(4);
			String dead = store.keys().deadLetterKey("jobs");
			node().execute("DEL", dead);
			node().execute("SET", dead, "garbage");
			assertThat(web.deleteDeadLetter("jobs", "dead-letters", first).getStatus()).isEqualTo(503);
			node().execute("DEL", dead);
			assertThat(web.deleteDeadLetter("jobs", "dead-letters", first).getStatus()).isEqualTo(404);
			// later poison is handled the same way, and jobs delayed with it still run
			node().execute("ZADD", delayed, "0", "{broken");
			jobs.enqueueIn(Duration.ofMillis(100), "email", new Email("again@example.com"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:again")).hasSize(1));
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(fault(a, "delayed-member")).isEqualTo(6));
		}
		assertThat(output.getOut()).doesNotContain("secret@example.com");
		assertThat(lines(output, "unreadable entries of the delayed set")).isEqualTo(1);
	}

	@Test
	void garbageStreamEntriesAreDeadLetteredWithoutBeingQuoted(CapturedOutput output) {
		String prefix = AbstractStreamIntegrationTests.newPrefix();
		try (ConfigurableApplicationContext a = StreamInstances.start(redis(), prefix)) {
			StreamStore store = a.getBean(StreamStore.class);
			String jobs = store.keys().streamKey("jobs");
			node().execute("XADD", jobs, "*", "type", "evil\nFAKE LOG LINE grace@example.com", "payload", "{}");
			node().execute("XADD", jobs, "*", "x", "y");
			node().execute("XADD", jobs, "*", "type", "email", "payload", "{\"to\":", "attempt", "not a number");
			node().execute("XADD", store.keys().streamKey("orders"), "*", "payload", "[\"heidi@example.com\"");
			a.getBean(JobQueue.class).enqueue("email", new Email("after@example.com"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:after")).hasSize(1));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(store.stats("jobs", "jobs").deadLetters()).isEqualTo(3));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(store.stats("orders", "billing").deadLetters()).isEqualTo(2));
			assertThat(store.deadLetters("jobs", 10).values()).extracting((letter) -> letter.get("error"))
				.anySatisfy((error) -> assertThat(error).contains("(not a job type name)"));
		}
		assertThat(output.getOut()).doesNotContain("FAKE LOG LINE").doesNotContain("grace@").doesNotContain("heidi@");
		assertThat(lines(output, "moved to the dead-letter stream")).isLessThanOrEqualTo(3);
	}

	@Test
	void keysOfTheWrongTypeAreCountedConsumersKeepGoingAndRecoverWhenRepaired(CapturedOutput output) {
		String prefix = AbstractStreamIntegrationTests.newPrefix();
		try (ConfigurableApplicationContext a = StreamInstances.start(redis(), prefix, "redisboot.stream.reclaim-idle=1s")) {
			StreamStore store = a.getBean(StreamStore.class);
			JobQueue jobs = a.getBean(JobQueue.class);
			// delayed set of the wrong type: moves fail, counted; immediate jobs still run
			node().execute("SET", store.keys().delayedKey("jobs"), "garbage");
			await().atMost(Duration.ofSeconds(5)).until(() -> fault(a, "move") >= 1);
			jobs.enqueue("email", new Email("now@example.com"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:now")).hasSize(1));
			node().execute("DEL", store.keys().delayedKey("jobs"));
			jobs.enqueueIn(Duration.ofMillis(100), "email", new Email("delayed@example.com"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:delayed")).hasSize(1));
			// dead-letter stream of the wrong type: the entry stays pending instead of being lost
			node().execute("SET", store.keys().deadLetterKey("jobs"), "garbage");
			jobs.enqueue("sms", "hello");
			await().atMost(Duration.ofSeconds(5)).until(() -> fault(a, "consume") >= 1);
			assertThat(store.stats("jobs", "jobs").pending()).isEqualTo(1);
			jobs.enqueue("email", new Email("still@example.com"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:still")).hasSize(1));
			node().execute("DEL", store.keys().deadLetterKey("jobs"));
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(store.stats("jobs", "jobs").deadLetters()).isEqualTo(1));
			assertThat(store.deadLetters("jobs", 1).values().iterator().next().get("error"))
				.contains("No @JobHandler for job type 'sms'");
		}
		// once per kind of failure: WRONGTYPE, plus at most a command timeout on a loaded host
		// (the mover runs every few hundred milliseconds, so an unbounded log would show dozens);
		// other streams of the JVM's contexts are not this test's, and a stop is no failure
		assertThat(lines(output, "Could not move due entries of stream 'jobs'")).isBetween(1L, 2L);
		assertThat(lines(output, "could not read")).isLessThanOrEqualTo(2);
	}

	@Test
	void theStreamDeletedUnderBusyProducersAndConsumersIsCreatedAgain(CapturedOutput output) throws Exception {
		String prefix = AbstractStreamIntegrationTests.newPrefix();
		try (ConfigurableApplicationContext a = StreamInstances.start(redis(), prefix)) {
			StreamStore store = a.getBean(StreamStore.class);
			JobQueue jobs = a.getBean(JobQueue.class);
			ExecutorService threads = Executors.newFixedThreadPool(5);
			try {
				List<Future<?>> work = new ArrayList<>();
				for (int t = 0; t < 4; t++) {
					int producer = t;
					work.add(threads.submit(() -> {
						for (int i = 0; i < 50; i++) {
							jobs.enqueue("email", new Email("p" + producer + "-" + i));
						}
					}));
				}
				work.add(threads.submit(() -> {
					for (int i = 0; i < 20; i++) {
						node().execute("DEL", store.keys().streamKey("jobs"));
					}
				}));
				for (Future<?> done : work) {
					done.get(30, TimeUnit.SECONDS); // producers never see an exception
				}
			}
			finally {
				threads.shutdownNow();
			}
			node().execute("DEL", store.keys().streamKey("jobs"));
			jobs.enqueue("email", new Email("after@example.com"));
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:after")).hasSize(1));
			assertThat(fault(a, "group-missing") + fault(a, "consume")).isGreaterThanOrEqualTo(1);
		}
		assertThat(lines(output, "WARN")).isLessThanOrEqualTo(4);
	}

	@Test
	void idempotencyKeysAreDigestedAndUnreadableRecordsAreReplaced() {
		String prefix = AbstractStreamIntegrationTests.newPrefix();
		try (ConfigurableApplicationContext a = StreamInstances.start(redis(), prefix)) {
			JobQueue jobs = a.getBean(JobQueue.class);
			String first = jobs.enqueue("email", new Email("alice@example.com"), "welcome:alice@example.com");
			// every page of the SCAN: one page of a shared server many tests wrote to may miss the key
			List<String> keys = new java.util.ArrayList<>();
			String cursor = "0";
			do {
				@SuppressWarnings("unchecked")
				List<Object> scan = (List<Object>) node().execute("SCAN", cursor, "MATCH", prefix + ":*", "COUNT", "1000");
				cursor = String.valueOf(scan.get(0));
				@SuppressWarnings("unchecked")
				List<String> page = (List<String>) scan.get(1);
				keys.addAll(page);
			}
			while (!"0".equals(cursor));
			assertThat(keys).noneMatch((key) -> key.contains("alice"));
			String idempotency = keys.stream().filter((key) -> key.contains(":idempotency:")).findFirst().orElseThrow();
			assertThat(idempotency).matches(java.util.regex.Pattern.quote(prefix + ":stream:{jobs}:idempotency:")
					+ "[A-Za-z0-9_-]{32}");
			assertThat(node().execute("GET", idempotency)).isEqualTo(first);
			node().execute("SET", idempotency, "garbage");
			String second = jobs.enqueue("email", new Email("alice@example.com"), "welcome:alice@example.com");
			assertThat(second).isNotEqualTo("garbage").isNotEqualTo(first);
			assertThat(jobs.enqueue("email", new Email("alice@example.com"), "welcome:alice@example.com"))
				.isEqualTo(second);
			node().execute("DEL", idempotency);
			node().execute("HSET", idempotency, "f", "v");
			String third = jobs.enqueue("email", new Email("alice@example.com"), "welcome:alice@example.com");
			assertThat(third).matches("[0-9a-f-]{36}").isNotEqualTo(second);
			assertThat(fault(a, "idempotency-record")).isEqualTo(2);
		}
	}

	static double fault(ConfigurableApplicationContext context, String cause) {
		var counter = context.getBean(io.micrometer.core.instrument.MeterRegistry.class)
			.find("redisboot.stream.faults")
			.tag("cause", cause)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	static long lines(CapturedOutput output, String text) {
		return output.getOut().lines().filter((line) -> line.contains(text)).count();
	}

}

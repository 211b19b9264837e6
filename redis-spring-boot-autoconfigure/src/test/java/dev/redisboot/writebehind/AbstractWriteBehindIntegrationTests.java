package dev.redisboot.writebehind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.StreamKeys;
import dev.redisboot.test.RedisDeployment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Write-behind caching on real Redis, two instances on one Redis and key prefix: writes are
 * read from the cache at once on both, coalesced and ordered per key, written to the
 * database once, retried then dead-lettered, survive the instance that queued them, and a key
 * whose job was lost or whose instance died mid-write is swept and written, never by two jobs
 * at once. Run on several topologies by the subclasses.
 */
abstract class AbstractWriteBehindIntegrationTests {

	/**
	 * Settings of the sweeper tests: a key is stuck after 3 s (longer than the jobs' longest
	 * back-off and reclaim idle time, as startup requires).
	 */
	static final String[] SWEEPING = { "redisboot.write-behind.stuck-after=3s", "redisboot.stream.backoff-max=1s",
			"redisboot.stream.reclaim-idle=2s" };

	protected abstract RedisDeployment redis();

	static final Duration WAIT = Duration.ofSeconds(15);

	@Test
	void writesAreCoalescedOrderedSharedAndWrittenOnce() throws Exception {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = start(redis(), prefix);
				ConfigurableApplicationContext b = start(redis(), prefix)) {
			WriteBehind<String, Long> onA = views(a);
			WriteBehind<String, Long> onB = views(b);
			// a write on one instance is read on the other at once, and written to one database once
			onA.write("home", 7L);
			assertThat(onB.getCache().get("home", Long.class)).isEqualTo(7L);
			await().atMost(WAIT).until(() -> database(a).writes("home").size() + database(b).writes("home").size() == 1);
			await().atMost(WAIT).until(() -> pendingFields(a, prefix) == 0);
			assertThat(listOf(database(a).writes("home"), database(b).writes("home"))).containsExactly(7L);
			// while the first write of a key runs, fifty more from both instances wait: only the last is written
			onA.write("held", 1L);
			WriteBehindTestApplication.Database held;
			await().atMost(WAIT).until(() -> database(a).heldStarted.getCount() + database(b).heldStarted.getCount() == 1);
			held = (database(a).heldStarted.getCount() == 0) ? database(a) : database(b);
			for (long value = 2; value <= 51; value++) {
				((value % 2 == 0) ? onA : onB).write("held", value);
				assertThat(onA.getCache().get("held", Long.class)).isEqualTo(value);
			}
			held.release.countDown();
			await().atMost(WAIT).until(() -> pendingFields(a, prefix) == 0);
			assertThat(listOf(database(a).writes("held"), database(b).writes("held"))).containsExactly(1L, 51L);
			assertThat(count(a, "coalesced") + count(b, "coalesced")).isEqualTo(50);
			assertThat(count(a, "queued") + count(b, "queued")).isEqualTo(2);
			assertThat(count(a, "written") + count(b, "written")).isEqualTo(3);
			assertThat(registry(a).find("redisboot.writebehind.lag").tag("name", "views").timer()).isNotNull();
		}
	}

	@Test
	void aFailingWriterIsRetriedThenDeadLetteredAndTheNextWriteQueuesAgain() {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = start(redis(), prefix,
				"redisboot.jobs.max-attempts=2")) {
			database(a).failing.add("doomed");
			views(a).write("doomed", 1L);
			await().atMost(WAIT).until(() -> deadLetters(a).size() == 1);
			assertThat(deadLetters(a).get(0)).contains("Database down for doomed").contains("attempt=2")
				.doesNotContain("payload=views/doomed");
			assertThat(count(a, "failed")).isEqualTo(2);
			// the value stays pending and the key's marker is released: the next write queues a new job
			database(a).failing.clear();
			views(a).write("doomed", 2L);
			assertThat(count(a, "queued")).isEqualTo(2);
			await().atMost(WAIT).until(() -> database(a).writes("doomed").equals(List.of(2L)));
		}
	}

	@Test
	void queuedWritesOutliveTheInstanceThatQueuedThem() {
		RedisDeployment redis = redis();
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = start(redis, prefix)) {
			database(a).failing.add("cart");
			views(a).write("cart", 1L);
			views(a).write("cart", 2L);
			await().atMost(WAIT).until(() -> count(a, "failed") >= 1);
		}
		try (ConfigurableApplicationContext b = start(redis, prefix)) {
			await().atMost(WAIT).until(() -> database(b).writes("cart").equals(List.of(2L)));
			await().atMost(WAIT).until(() -> pendingFields(b, prefix) == 0);
		}
	}

	@Test
	void hostileStateIsReplacedOrDroppedAndCounted() {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = start(redis(), prefix)) {
			StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
			String key = prefix + ":writebehind:{views}";
			redis.opsForValue().set(key, "garbage");
			views(a).write("home", 3L);
			assertThat(fault(a, "replaced")).isOne();
			await().atMost(WAIT).until(() -> database(a).writes("home").equals(List.of(3L)));
			// an entry that is not JSON is dropped, counted, and the key is written again by the next write
			String digest = views(a).digest("sofa");
			redis.opsForHash().put(key, "v:" + digest, "{not json");
			redis.opsForHash().put(key, "n:" + digest, "1");
			redis.opsForHash().put(key, "q:" + digest, "1");
			views(a).write("sofa", 9L);
			await().atMost(WAIT).until(() -> database(a).writes("sofa").equals(List.of(9L)));
			await().atMost(WAIT).until(() -> pendingFields(a, prefix) == 0);
		}
	}

	@Test
	void aKeyWhoseJobWasLostIsFoundByOneOfTwoRacingSweepersAndWrittenOnce() throws Exception {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = start(redis(), prefix, with(SWEEPING, "redisboot.write-behind.sweep-interval=1h"));
				ConfigurableApplicationContext b = start(redis(), prefix, with(SWEEPING, "redisboot.write-behind.sweep-interval=1h"))) {
			// what an instance that died between recording a value and enqueueing its job leaves
			StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
			String key = prefix + ":writebehind:{views}";
			String digest = views(a).digest("lost");
			String longAgo = Long.toString(System.currentTimeMillis() - 10_000);
			redis.opsForHash().putAll(key, Map.of("v:" + digest, "{\"k\":\"lost\",\"v\":5}", "n:" + digest, "1",
					"t:" + digest, longAgo, "q:" + digest, longAgo));
			// and a key whose job is alive: its mark is fresh, so no sweep touches it
			views(a).write("fresh", 1L);
			await().atMost(WAIT).until(() -> database(a).writes("fresh").size() + database(b).writes("fresh").size() == 1);
			ExecutorService pool = Executors.newFixedThreadPool(2);
			try {
				CountDownLatch go = new CountDownLatch(1);
				Future<Integer> onA = pool.submit(() -> {
					go.await();
					return a.getBean(WriteBehindRegistry.class).sweep();
				});
				Future<Integer> onB = pool.submit(() -> {
					go.await();
					return b.getBean(WriteBehindRegistry.class).sweep();
				});
				go.countDown();
				assertThat(onA.get(10, TimeUnit.SECONDS) + onB.get(10, TimeUnit.SECONDS)).as("keys re-armed").isOne();
			}
			finally {
				pool.shutdownNow();
			}
			await().atMost(WAIT).until(() -> listOf(database(a).writes("lost"), database(b).writes("lost")).equals(List.of(5L)));
			await().atMost(WAIT).until(() -> pendingFields(a, prefix) == 0);
			assertThat(count(a, "swept") + count(b, "swept")).isEqualTo(1);
			assertThat(listOf(database(a).writes("fresh"), database(b).writes("fresh"))).containsExactly(1L);
			// the gauges of the last sweep: nothing pending now
			a.getBean(WriteBehindRegistry.class).sweep();
			assertThat(registry(a).find("redisboot.writebehind.pending").tag("name", "views").gauge().value()).isZero();
		}
	}

	@Test
	void aWriterSlowerThanStuckAfterRunsOnceAndAKeyWhoseInstanceDiedMidWriteIsSweptAndWritten() {
		String prefix = newPrefix();
		String[] sweeping = with(SWEEPING, "redisboot.write-behind.sweep-interval=200ms");
		ConfigurableApplicationContext a = start(redis(), prefix, sweeping);
		WriteBehindTestApplication.Database onA = database(a);
		try (ConfigurableApplicationContext b = start(redis(), prefix, sweeping)) {
			WriteBehindTestApplication.Database onB = database(b);
			views(a).write("slow", 1L);
			await().atMost(WAIT).until(() -> onA.slowStarted.getCount() == 0 || onB.slowStarted.getCount() == 0);
			boolean heldByA = onA.slowStarted.getCount() == 0;
			ConfigurableApplicationContext holder = heldByA ? a : b;
			ConfigurableApplicationContext other = heldByA ? b : a;
			WriteBehindTestApplication.Database survivor = database(other);
			// alive: past stuck-after, neither sweeper nor a re-delivered copy of the job starts a second write
			await().during(Duration.ofSeconds(4))
				.atMost(Duration.ofSeconds(6))
				.until(() -> listOf(onA.writes("slow"), onB.writes("slow")).equals(List.of(1L)));
			await().atMost(WAIT).until(() -> fault(a, "busy") + fault(b, "busy") >= 1);
			assertThat(count(a, "swept") + count(b, "swept")).isZero();
			double queued = count(a, "queued") + count(b, "queued");
			views(other).write("slow", 2L);
			assertThat(count(a, "queued") + count(b, "queued")).as("the running job's mark is kept fresh")
				.isEqualTo(queued);
			// the holder dies mid-write (its writer never returns, its context goes): the other sweeps and writes
			holder.close();
			await().atMost(WAIT).until(() -> survivor.writes("slow").contains(2L));
			await().atMost(WAIT).until(() -> pendingFields(other, prefix) == 0);
			// the holder wrote the first value only, the survivor the second only (which instance held the
			// key is up to the stream, so the two lists are not read in a fixed order)
			assertThat((heldByA ? onA : onB).writes("slow")).containsExactly(1L);
			assertThat(survivor.writes("slow")).containsExactly(2L);
			assertThat(count(other, "swept")).isOne();
			assertThat(survivor.mostAtOnce.get()).isOne();
			onB.slowRelease.countDown();
		}
		finally {
			onA.slowRelease.countDown();
			a.close();
		}
	}

	static String[] with(String[] settings, String... more) {
		List<String> all = new ArrayList<>(List.of(settings));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	static double fault(ConfigurableApplicationContext context, String cause) {
		Counter counter = registry(context).find("redisboot.writebehind.faults")
			.tag("name", "views")
			.tag("cause", cause)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	static String rootMessages(Throwable ex) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	static List<Long> listOf(List<Long> first, List<Long> second) {
		List<Long> all = new ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	static String newPrefix() {
		return "wb-" + UUID.randomUUID().toString().substring(0, 8);
	}

	static ConfigurableApplicationContext start(RedisDeployment redis, String prefix, String... extra) {
		List<String> properties = new ArrayList<>(List.of(redis.propertyValues()));
		properties.add("redisboot.key-prefix=" + prefix);
		properties.add("redisboot.write-behind.enabled=true");
		properties.add("spring.main.banner-mode=off");
		properties.add("redisboot.stream.block=200ms");
		properties.add("redisboot.stream.backoff-initial=100ms");
		properties.add("redisboot.stream.delayed-poll-interval=50ms");
		properties.add("redisboot.stream.shutdown-timeout=500ms");
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(WriteBehindTestApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	@SuppressWarnings("unchecked")
	static WriteBehind<String, Long> views(ConfigurableApplicationContext context) {
		return context.getBean("views", WriteBehind.class);
	}

	static WriteBehindTestApplication.Database database(ConfigurableApplicationContext context) {
		return context.getBean(WriteBehindTestApplication.Database.class);
	}

	static MeterRegistry registry(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class);
	}

	static double count(ConfigurableApplicationContext context, String what) {
		Counter counter = registry(context).find("redisboot.writebehind." + what).tag("name", "views").counter();
		return (counter != null) ? counter.count() : 0;
	}

	static long pendingFields(ConfigurableApplicationContext context, String prefix) {
		return context.getBean(StringRedisTemplate.class).opsForHash().size(prefix + ":writebehind:{views}");
	}

	static List<String> deadLetters(ConfigurableApplicationContext context) {
		String key = context.getBean(StreamKeys.class).deadLetterKey(context.getBean(JobQueue.class).getStream());
		return context.getBean(StringRedisTemplate.class)
			.opsForStream()
			.range(key, Range.unbounded())
			.stream()
			.map((record) -> record.getValue().toString())
			.toList();
	}

}

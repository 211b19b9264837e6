package dev.redisboot.writebehind;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.StreamKeys;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
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
 * database once, retried then dead-lettered, and survive the instance that queued them.
 */
@WithRedis
class WriteBehindIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@Test
	void writesAreCoalescedOrderedSharedAndWrittenOnce() throws Exception {
		RedisDeployment redis = RedisDeployments.sharedStandalone();
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = start(redis, prefix);
				ConfigurableApplicationContext b = start(redis, prefix)) {
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
		try (ConfigurableApplicationContext a = start(RedisDeployments.sharedStandalone(), prefix,
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
		RedisDeployment redis = RedisDeployments.sharedStandalone();
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
		try (ConfigurableApplicationContext a = start(RedisDeployments.sharedStandalone(), prefix)) {
			StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
			String key = prefix + ":writebehind:{views}";
			redis.opsForValue().set(key, "garbage");
			views(a).write("home", 3L);
			assertThat(registry(a).find("redisboot.writebehind.faults").tag("cause", "replaced").counter())
				.isNotNull();
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
	void writesFailWhileRedisIsDownAndWorkAgainAfterItsRestart() {
		try (StandaloneRedis redis = StandaloneRedis.start();
				ConfigurableApplicationContext a = start(redis, newPrefix(), "redisboot.stream.timeout=500ms")) {
			views(a).write("home", 1L);
			await().atMost(WAIT).until(() -> database(a).writes("home").equals(List.of(1L)));
			redis.node().stop();
			assertThatExceptionOfType(WriteBehindException.class).isThrownBy(() -> views(a).write("home", 2L));
			assertThat(database(a).writes("home")).containsExactly(1L);
			redis.node().start();
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
				try {
					views(a).write("home", 3L);
				}
				catch (WriteBehindException ex) {
					// not back yet (the jobs' circuit breaker waits before it calls Redis again)
				}
				assertThat(database(a).writes("home")).endsWith(3L);
			});
			assertThat(database(a).writes("home")).doesNotContain(2L);
			assertThat(registry(a).find("redisboot.writebehind.faults").tag("cause", "redis").counter().count())
				.isGreaterThanOrEqualTo(1);
		}
	}

	@Test
	void aWriteWithoutPermissionOnItsKeyIsRefusedToTheCallerAndCounted() {
		try (StandaloneRedis redis = StandaloneRedis.startWithAclUser("~wbacl:stream:* ~wbacl:cache:* &* +@all -@dangerous");
				ConfigurableApplicationContext a = start(redis, "wbacl", "redisboot.connection.check-at-startup=false")) {
			assertThatExceptionOfType(WriteBehindException.class).isThrownBy(() -> views(a).write("home", 1L))
				.havingRootCause()
				.withMessageContaining("NOPERM");
			assertThat(registry(a).find("redisboot.writebehind.faults").tag("cause", "redis").counter().count())
				.isEqualTo(1);
			assertThat(views(a).getCache().get("home")).as("not cached when not queued").isNull();
		}
	}

	@Test
	void aStuckAfterThatIsNotPositiveFailsStartupNamingTheProperty() {
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> start(RedisDeployments.sharedStandalone(), newPrefix(),
					"redisboot.write-behind.stuck-after=0s").close())
			.satisfies((ex) -> assertThat(rootMessages(ex)).contains("redisboot.write-behind.stuck-after"));
	}

	private static String rootMessages(Throwable ex) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	private static List<Long> listOf(List<Long> first, List<Long> second) {
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

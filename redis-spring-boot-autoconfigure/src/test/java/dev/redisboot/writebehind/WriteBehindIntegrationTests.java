package dev.redisboot.writebehind;

import java.time.Duration;
import java.util.List;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The shared write-behind tests on the shared standalone server, and what needs a server of
 * the test's own: Redis stopped and restarted, a user without permission on the pending key,
 * and a bad setting.
 */
@WithRedis(RedisTopology.STANDALONE)
class WriteBehindIntegrationTests extends AbstractWriteBehindIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
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
			.isThrownBy(() -> start(redis(), newPrefix(),
					"redisboot.write-behind.stuck-after=0s").close())
			.satisfies((ex) -> assertThat(rootMessages(ex)).contains("redisboot.write-behind.stuck-after"));
	}

	@Test
	void aSweepIntervalThatIsNotPositiveFailsStartupNamingTheProperty() {
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> start(redis(), newPrefix(), "redisboot.write-behind.sweep-interval=0s").close())
			.satisfies((ex) -> assertThat(rootMessages(ex)).contains("redisboot.write-behind.sweep-interval"));
	}

}

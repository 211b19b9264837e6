package dev.redisboot.session;

import java.time.Duration;

import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.redisboot.session.SessionInstances.get;
import static dev.redisboot.session.SessionInstances.login;
import static dev.redisboot.session.SessionInstances.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The documented behaviour while Redis is down or does not answer (docs/sessions.md, "Limits"):
 * requests that use the session fail with HTTP 500 within {@code redisboot.session.redis-timeout},
 * requests that do not use it are served, and sessions work again once Redis is back, without a
 * restart. The server is this class's own: it is stopped and paused.
 */
@WithRedis(isolated = true)
@Timeout(90)
class SessionOutageIntegrationTests {

	private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

	private static ConfigurableApplicationContext start(StandaloneRedis redis, String prefix) {
		return SessionInstances.start(redis, prefix,
				"redisboot.session.redis-timeout=" + REDIS_TIMEOUT.toMillis() + "ms");
	}

	@Test
	void aSilentOrStoppedRedisFailsRequestsThatUseTheSessionWithinTheTimeoutAndSessionsWorkAgainOnceItIsBack(
			StandaloneRedis redis) {
		RedisNode node = redis.nodes().get(0);
		try (ConfigurableApplicationContext a = start(redis, "outage")) {
			String cookie = login(a, "ada");
			assertThat(get(a, "/me", cookie).body()).isEqualTo("ada");

			// a server that does not answer: the request fails within the timeout, nothing hangs
			node.pause();
			long started = System.nanoTime();
			try {
				assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(500);
			}
			finally {
				node.resume();
			}
			// the timeout (once for the request, once for its error page) plus room for a loaded machine
			assertThat(Duration.ofNanos(System.nanoTime() - started))
				.isLessThan(REDIS_TIMEOUT.multipliedBy(2).plusSeconds(5));
			double unavailable = unavailable(a);
			// the request's read and its error page's: the request does not ask a silent Redis again when it commits
			assertThat(unavailable).as("redisboot.sessions.redis.errors").isEqualTo(2);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(get(a, "/me", cookie).body()).as("kept").isEqualTo("ada"));

			// a save to a server that does not answer (a new session: nothing is read first) fails the same way
			node.pause();
			started = System.nanoTime();
			try {
				assertThat(post(a, "/login?user=grace", null).statusCode()).as("saves a session").isEqualTo(500);
				assertThat(get(a, "/plain", null).body()).as("uses no session").isEqualTo("ok");
			}
			finally {
				node.resume();
			}
			assertThat(Duration.ofNanos(System.nanoTime() - started))
				.isLessThan(REDIS_TIMEOUT.multipliedBy(2).plusSeconds(5));
			assertThat(unavailable(a) - unavailable).as("the request's save and its error page's").isEqualTo(2);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(get(a, "/me", cookie).body()).as("still kept").isEqualTo("ada"));
			unavailable = unavailable(a);

			// a stopped server
			node.stop();
			try {
				assertThat(get(a, "/me", cookie).statusCode()).as("reads the session").isEqualTo(500);
				assertThat(unavailable(a) - unavailable).as("the request's read and its error page's").isEqualTo(2);
				unavailable = unavailable(a);
				assertThat(post(a, "/login?user=grace", null).statusCode()).as("creates a session").isEqualTo(500);
				// the save fails once: the commits that follow in the request fail without asking Redis again
				assertThat(unavailable(a) - unavailable).as("the request's save and its error page's").isEqualTo(2);
				assertThat(get(a, "/plain", null).body()).as("uses no session").isEqualTo("ok");
			}
			finally {
				node.start(); // an empty server: the stored sessions are gone
			}
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(401));
			String fresh = login(a, "ada");
			assertThat(get(a, "/me", fresh).body()).isEqualTo("ada");
			assertThat(SessionInstances.repository(a).findSessions("ada")).hasSize(1);
		}
	}

	private static double unavailable(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class).get("redisboot.sessions.redis.errors").counter().count();
	}

}

package dev.redisboot.session;

import java.util.List;
import java.util.Map;

import dev.redisboot.NonBlockingTest;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.redisboot.session.ReactiveSessionInstances.get;
import static dev.redisboot.session.ReactiveSessionInstances.login;
import static dev.redisboot.session.ReactiveSessionInstances.post;
import static dev.redisboot.session.ReactiveSessionInstances.servletCookie;
import static dev.redisboot.session.ReactiveSessionInstances.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reactive sessions on a standalone Redis: besides the shared tests, the Redis commands per
 * request (the servlet path's two), encryption shared with servlet instances, an
 * unavailable Redis (503 with {@code Retry-After}) and a Redis user refused the session keys.
 */
// a server of its own: the exact server-wide command counts below must not see the background commands of
// other test classes' cached contexts on the shared server, and pausing it must not stall them
@NonBlockingTest
@WithRedis(isolated = true)
class ReactiveSessionStandaloneIntegrationTests extends AbstractReactiveSessionIntegrationTests {

	private static final String KEY = "cmVkaXNib290LXNlc3Npb24tdGVzdC1rZXktMzJieXQ="; // 32 bytes

	private static StandaloneRedis aclRedis;

	@BeforeAll
	static void startRedisWithAclUser() {
		aclRedis = StandaloneRedis.startWithAclUser(StandaloneRedis.MANAGED_ACL_RULES);
	}

	@AfterAll
	static void stopRedis() {
		if (aclRedis != null) {
			aclRedis.close();
		}
	}

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

	@Test
	void aRequestWithASessionCostsTwoRedisCommandsAsOnTheServletStack() {
		try (ConfigurableApplicationContext a = ReactiveSessionInstances.start(redis(), newPrefix())) {
			String id = login(a, "ada");
			get(a, "/me", id);
			Map<String, String> before = redis().nodes().get(0).info("commandstats");
			for (int i = 0; i < 10; i++) {
				assertThat(status(get(a, "/me", id))).isEqualTo(200);
			}
			Map<String, String> after = redis().nodes().get(0).info("commandstats");
			assertThat(calls(after, "cmdstat_hgetall") - calls(before, "cmdstat_hgetall")).isEqualTo(10);
			assertThat(calls(after, "cmdstat_evalsha") - calls(before, "cmdstat_evalsha")).isEqualTo(10);
			// Redis counts the commands a script runs too: its TYPE, HSET and PEXPIRE, nothing else
			assertThat(total(after) - total(before)).isEqualTo(10 * (2 + 3));
		}
	}

	@Test
	void encryptedSessionsAreSharedWithServletInstancesThatHaveTheKey() {
		String prefix = newPrefix();
		String[] encryption = { "redisboot.session.encryption.enabled=true",
				"redisboot.session.encryption.active-key-id=k1", "redisboot.session.encryption.keys.k1=" + KEY };
		try (ConfigurableApplicationContext reactive = ReactiveSessionInstances.start(redis(), prefix, encryption);
				ConfigurableApplicationContext servlet = SessionInstances.start(redis(), prefix, encryption);
				ConfigurableApplicationContext withoutKey = ReactiveSessionInstances.start(redis(), prefix)) {
			String id = login(reactive, "ada");
			String stored = (String) redisTemplate(reactive).opsForHash()
				.get(repository(reactive).sessionKey(id), "sessionAttr:profile");
			assertThat(stored).doesNotContain("ada").doesNotContain("Profile");
			assertThat(SessionInstances.get(servlet, "/me", servletCookie(id)).body()).isEqualTo("ada");
			String grace = SessionInstances.sessionId(SessionInstances.login(servlet, "grace"));
			assertThat(get(reactive, "/me", grace).getResponseBody()).isEqualTo("grace");
			assertThat(status(get(withoutKey, "/me", grace))).isEqualTo(401);
			assertThat(registry(withoutKey).get("redisboot.sessions.deserialization.failures")
				.tag("cause", "undecryptable")
				.counter()
				.count()).isEqualTo(1);
		}
	}

	@Test
	void anUnavailableRedisIsAnswered503WithRetryAfterAndSessionsWorkAgainOnceItIsBack() {
		RedisNode node = redis().nodes().get(0);
		try (ConfigurableApplicationContext a = ReactiveSessionInstances.start(redis(), newPrefix(),
				"redisboot.session.redis-timeout=500ms", "redisboot.session.circuit-breaker.failure-threshold=1",
				"redisboot.session.circuit-breaker.open-duration=1s")) {
			String id = login(a, "ada");
			node.pause();
			try {
				EntityExchangeResult<String> unavailable = get(a, "/me", id);
				assertThat(status(unavailable)).isEqualTo(503);
				assertThat(unavailable.getResponseHeaders().getFirst("Retry-After")).isEqualTo("1");
				assertThat(unavailable.getResponseHeaders().getContentType()).hasToString("application/problem+json");
				assertThat(unavailable.getResponseBody()).contains("\"status\":503");
				// the breaker is open: answered at once, without calling Redis
				assertThat(status(get(a, "/me", id))).isEqualTo(503);
				assertThat(get(a, "/plain", null).getResponseBody()).as("uses no session").isEqualTo("ok");
			}
			finally {
				node.resume();
			}
			assertThat(registry(a).get("redisboot.sessions.unavailable").tag("result", "failed").counter().count())
				.isEqualTo(1);
			assertThat(registry(a).get("redisboot.sessions.unavailable").tag("result", "short-circuited").counter()
				.count()).isGreaterThanOrEqualTo(1);
			org.awaitility.Awaitility.await()
				.atMost(java.time.Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(get(a, "/me", id).getResponseBody()).isEqualTo("ada"));
		}
	}

	@Test
	void aUserWithoutTheSessionKeysGetsNoSessionNotAnError() {
		String prefix = newPrefix();
		String namespace = prefix + ":session:";
		RedisNode node = aclRedis.nodes().get(0);
		node.execute("ACL", "SETUSER", StandaloneRedis.ACL_USER, "resetkeys", "~" + namespace + "principals:*",
				"~" + namespace + "expirations");
		try (ConfigurableApplicationContext a = ReactiveSessionInstances.start(aclRedis, prefix,
				"redisboot.connection.check-at-startup=false")) {
			for (int i = 0; i < 3; i++) {
				EntityExchangeResult<String> signIn = post(a, "/login?user=ada", null);
				assertThat(status(signIn)).isEqualTo(200);
				String id = ReactiveSessionInstances.cookie(signIn).orElseThrow();
				assertThat(status(get(a, "/me", id))).isEqualTo(401);
			}
			assertThat(faults(a, "session", "noperm")).isGreaterThanOrEqualTo(3);
			// the operator fixes the ACL: the next request works
			node.execute("ACL", "SETUSER", StandaloneRedis.ACL_USER, "resetkeys", "~*");
			assertThat(get(a, "/me", login(a, "ada")).getResponseBody()).isEqualTo("ada");
		}
		finally {
			node.execute("ACL", "SETUSER", StandaloneRedis.ACL_USER, "resetkeys", "~*");
		}
	}

	private static long total(Map<String, String> stats) {
		return stats.keySet()
			.stream()
			.filter((key) -> key.startsWith("cmdstat_") && !key.equals("cmdstat_info"))
			.mapToLong((key) -> calls(stats, key))
			.sum();
	}

	private static long calls(Map<String, String> stats, String command) {
		String value = stats.get(command);
		if (value == null) {
			return 0;
		}
		for (String part : List.of(value.split(","))) {
			if (part.startsWith("calls=")) {
				return Long.parseLong(part.substring(6));
			}
		}
		return 0;
	}

}

package dev.redisboot.session;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.redisboot.session.SessionInstances.get;
import static dev.redisboot.session.SessionInstances.login;
import static dev.redisboot.session.SessionInstances.sessionId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions on a standalone Redis: besides the shared tests, cookie flags, the Redis commands
 * per request, what is stored, and encryption.
 */
// a server of its own: the exact server-wide command counts below must not see the background commands of
// other test classes' cached contexts (stream readers, server metrics) on the shared server
@WithRedis(isolated = true)
class SessionStandaloneIntegrationTests extends AbstractSessionIntegrationTests {

	private static final String KEY = "cmVkaXNib290LXNlc3Npb24tdGVzdC1rZXktMzJieXQ="; // 32 bytes

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

	@Test
	void theSessionCookieIsSecureHttpOnlyAndSameSiteLaxByDefault() {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix())) {
			String setCookie = SessionInstances.setCookie(SessionInstances.post(a, "/visits", null)).orElseThrow();
			assertThat(setCookie).contains("; Secure").contains("; HttpOnly").contains("; SameSite=Lax");
		}
	}

	@Test
	void theSecureFlagCanBeTurnedOffForLocalDevelopmentWithBootsProperty() {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix(),
				"server.servlet.session.cookie.secure=false")) {
			String setCookie = SessionInstances.setCookie(SessionInstances.post(a, "/visits", null)).orElseThrow();
			assertThat(setCookie).doesNotContain("Secure").contains("; HttpOnly").contains("; SameSite=Lax");
		}
	}

	@Test
	void aRequestWithASessionCostsTwoRedisCommands() {
		// counted in the server's command statistics; nothing else uses this server's sessions meanwhile
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix())) {
			String cookie = login(a, "ada");
			get(a, "/me", cookie);
			Map<String, String> before = redis().nodes().get(0).info("commandstats");
			for (int i = 0; i < 10; i++) {
				assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(200);
			}
			Map<String, String> after = redis().nodes().get(0).info("commandstats");
			assertThat(calls(after, "cmdstat_hgetall") - calls(before, "cmdstat_hgetall")).isEqualTo(10);
			assertThat(calls(after, "cmdstat_evalsha") - calls(before, "cmdstat_evalsha")).isEqualTo(10);
			// Redis counts the commands a script runs too: its TYPE, HSET and PEXPIRE, nothing else
			assertThat(total(after) - total(before)).isEqualTo(10 * (2 + 3));
			assertThat(calls(after, "cmdstat_pexpire") - calls(before, "cmdstat_pexpire")).isEqualTo(10);
		}
	}

	@Test
	void aNewSessionIdCostsFiveRoundTrips() {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix())) {
			// once first, so that every script is loaded and the counts below hold no EVAL
			String cookie = SessionInstances.cookie(SessionInstances.post(a, "/rotate", login(a, "ada"))).orElseThrow();
			Map<String, String> before = redis().nodes().get(0).info("commandstats");
			HttpResponse<String> rotated = SessionInstances.post(a, "/rotate", cookie);
			Map<String, String> after = redis().nodes().get(0).info("commandstats");
			assertThat(rotated.statusCode()).isEqualTo(200);
			assertThat(get(a, "/me", SessionInstances.cookie(rotated).orElseThrow()).body()).isEqualTo("ada");
			// read; write under the new handle, its expiry entry and index entry; claim the old session and drop
			// its entries; read the index (prune, maximum); check that its members exist
			assertThat(calls(after, "cmdstat_hgetall") - calls(before, "cmdstat_hgetall")).isEqualTo(1);
			assertThat(calls(after, "cmdstat_evalsha") - calls(before, "cmdstat_evalsha")).isEqualTo(3 + 1 + 1);
			assertThat(calls(after, "cmdstat_zrem") - calls(before, "cmdstat_zrem")).isEqualTo(2);
			assertThat(calls(after, "cmdstat_exists") - calls(before, "cmdstat_exists")).isEqualTo(1);
			assertThat(calls(after, "cmdstat_eval") - calls(before, "cmdstat_eval")).isZero();
		}
	}

	@Test
	void theActiveGaugeCountsFromTheFirstScrape() {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix())) {
			login(a, "ada");
			login(a, "grace");
			assertThat(registry(a).get("redisboot.sessions.active").gauge().value()).isEqualTo(2);
		}
	}

	@Test
	void attributesAreReadableJsonInRedis() {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix())) {
			String cookie = login(a, "ada");
			StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
			Map<Object, Object> stored = redis.opsForHash().entries(repository(a).sessionKey(sessionId(cookie)));
			assertThat((String) stored.get("sessionAttr:profile"))
				.isEqualTo("{\"@class\":\"dev.redisboot.session.SessionTestApplication$Profile\",\"name\":\"ada\","
						+ "\"roles\":[\"java.util.ImmutableCollections$List12\",[\"user\"]]}");
			assertThat((String) stored.get("maxInactiveInterval")).isEqualTo("1800");
			assertThat((String) stored.get("redisboot:principal")).isEqualTo(repository(a).principalDigest("ada"));
		}
	}

	@Test
	void encryptedAttributesAreUnreadableInRedisAndWithoutTheKey() {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), prefix,
				"redisboot.session.encryption.enabled=true", "redisboot.session.encryption.active-key-id=k1",
				"redisboot.session.encryption.keys.k1=" + KEY);
				ConfigurableApplicationContext withoutKey = SessionInstances.start(redis(), prefix)) {
			String cookie = login(a, "ada");
			byte[] stored = a.getBean(StringRedisTemplate.class)
				.execute((org.springframework.data.redis.core.RedisCallback<byte[]>) (connection) -> connection
					.hashCommands()
					.hGet(repository(a).sessionKey(sessionId(cookie)).getBytes(StandardCharsets.UTF_8),
							"sessionAttr:profile".getBytes(StandardCharsets.UTF_8)));
			assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("ada").doesNotContain("Profile");
			assertThat(get(a, "/me", cookie).body()).isEqualTo("ada");
			HttpResponse<String> elsewhere = get(withoutKey, "/me", cookie);
			assertThat(elsewhere.statusCode()).isEqualTo(401);
			assertThat(registry(withoutKey).get("redisboot.sessions.deserialization.failures")
				.tag("cause", "undecryptable")
				.counter()
				.count()).isEqualTo(1);
		}
	}

	private static long total(Map<String, String> stats) {
		return stats.keySet().stream().filter((key) -> key.startsWith("cmdstat_")
				&& !key.equals("cmdstat_info")).mapToLong((key) -> calls(stats, key)).sum();
	}

	private static long calls(Map<String, String> stats, String command) {
		String value = stats.get(command);
		if (value == null) {
			return 0;
		}
		for (String part : value.split(",")) {
			if (part.startsWith("calls=")) {
				return Long.parseLong(part.substring(6));
			}
		}
		return 0;
	}

}

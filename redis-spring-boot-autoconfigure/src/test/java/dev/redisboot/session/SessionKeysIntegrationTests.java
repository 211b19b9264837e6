package dev.redisboot.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.security.SpringSessionBackedSessionRegistry;
import org.springframework.security.core.session.SessionInformation;

import static dev.redisboot.session.SessionInstances.get;
import static dev.redisboot.session.SessionInstances.login;
import static dev.redisboot.session.SessionInstances.post;
import static dev.redisboot.session.SessionInstances.sessionId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What session keys hold: no key name or value that redisboot writes holds a session id (the
 * cookie's secret) or a principal name, with or without configured keys; what finding
 * sessions by principal name needs; the old key layout; the principal API and events.
 */
@WithRedis
class SessionKeysIntegrationTests {

	private static final String SECRET = "c2Vzc2lvbi1rZXktZGlnZXN0LXNlY3JldC0zMmJ5dGU="; // 32 bytes

	private static final String ENCRYPTION_KEY = "cmVkaXNib290LXNlc3Npb24tdGVzdC1rZXktMzJieXQ="; // 32 bytes

	private static final String USER = "ada.lovelace@example.com";

	private static String newPrefix() {
		return "keys-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static ConfigurableApplicationContext start(String prefix, String... extra) {
		return SessionInstances.start(RedisDeployments.sharedStandalone(), prefix, extra);
	}

	@Test
	void noKeyNameOrValueHoldsASessionIdOrThePrincipalNameWithoutAnyConfiguration() {
		assertNoCredentialsInRedis();
	}

	@Test
	void noKeyNameOrValueHoldsASessionIdOrThePrincipalNameWithTheDigestSecret() {
		assertNoCredentialsInRedis("redisboot.key-digest-secret=" + SECRET);
	}

	private void assertNoCredentialsInRedis(String... extra) {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = start(prefix, extra)) {
			List<String> cookies = new ArrayList<>(List.of(login(a, USER), login(a, USER)));
			cookies.add(SessionInstances.cookie(post(a, "/rotate", cookies.get(1))).orElseThrow());
			cookies.add(SessionInstances.cookie(post(a, "/visits", null)).orElseThrow());
			List<String> ids = new ArrayList<>();
			cookies.forEach((cookie) -> {
				ids.add(cookie);
				ids.add(sessionId(cookie));
			});
			List<String> identities = new ArrayList<>(ids);
			identities.addAll(List.of(USER, "ada.lovelace", "example.com"));
			List<String> keys = scan(prefix + ":*");
			assertThat(keys).hasSize(3 + 2); // three live sessions, the principal index, the expiration set
			assertThat(keys).allSatisfy((key) -> assertThat(key).doesNotContain(identities));
			try (RedisConnection connection = a.getBean(RedisConnectionFactory.class).getConnection()) {
				for (String key : keys) {
					// attribute values are the application's data (encrypted at rest if configured); ids never
					String stored = dump(connection, key.getBytes(StandardCharsets.UTF_8));
					assertThat(stored).as(key).doesNotContain(ids);
				}
			}
			assertThat(get(a, "/me", cookies.get(0)).body()).isEqualTo(USER);
		}
	}

	@Test
	void findingSessionsByPrincipalNameWithoutAKeyFailsNamingTheProperty() {
		try (ConfigurableApplicationContext a = start(newPrefix())) {
			login(a, USER);
			RedisbootSessionRepository repository = SessionInstances.repository(a);
			assertThat(repository.canReturnSessionIds()).isFalse();
			assertThatIllegalStateException().isThrownBy(() -> repository.findByPrincipalName(USER))
				.withMessageContaining("redisboot.key-digest-secret")
				.withMessageNotContaining(USER);
			assertThat(repository.findByIndexNameAndIndexValue("other", USER)).isEmpty();
			// what needs no key still works
			assertThat(repository.findSessions(USER)).hasSize(1);
			assertThat(repository.revokeSessions(USER)).isEqualTo(1);
		}
	}

	@Test
	void springSecuritysSessionRegistryFindsTheSessionsWithTheDigestSecret() {
		try (ConfigurableApplicationContext a = start(newPrefix(), "redisboot.key-digest-secret=" + SECRET)) {
			String first = login(a, USER);
			String second = login(a, USER);
			login(a, "grace");
			RedisbootSessionRepository repository = SessionInstances.repository(a);
			assertThat(repository.findByPrincipalName(USER)).containsOnlyKeys(sessionId(first), sessionId(second))
				.allSatisfy((id, session) -> assertThat(session.getId()).isEqualTo(id));
			SpringSessionBackedSessionRegistry<RedisbootSession> registry = new SpringSessionBackedSessionRegistry<>(
					repository);
			assertThat(registry.getAllSessions(USER, false)).extracting(SessionInformation::getSessionId)
				.containsExactlyInAnyOrder(sessionId(first), sessionId(second));
			SessionInformation information = registry.getSessionInformation(sessionId(first));
			assertThat(information).isNotNull();
			information.expireNow();
			assertThat(get(a, "/me", second).statusCode()).isEqualTo(200);
		}
	}

	@Test
	void sessionsStoredBeforeAnEncryptionKeyWasConfiguredAreFoundOnceUsed() {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext before = start(prefix);
				ConfigurableApplicationContext after = start(prefix, "redisboot.session.encryption.active-key-id=k1",
						"redisboot.session.encryption.keys.k1=" + ENCRYPTION_KEY)) {
			String cookie = login(before, USER);
			RedisbootSessionRepository repository = SessionInstances.repository(after);
			assertThat(repository.findByPrincipalName(USER)).isEmpty();
			assertThat(after.getBean(io.micrometer.core.instrument.MeterRegistry.class)
				.get("redisboot.sessions.faults")
				.tag("fault", "id-unavailable")
				.counter()
				.count()).isEqualTo(1);
			assertThat(get(after, "/me", cookie).body()).isEqualTo(USER);
			assertThat(repository.findByPrincipalName(USER)).containsOnlyKeys(sessionId(cookie));
		}
	}

	@Test
	void aSessionOfTheOldKeyLayoutIsSignedOutOnce() {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = start(prefix)) {
			String id = UUID.randomUUID().toString();
			RedisNode node = RedisDeployments.sharedStandalone().nodes().get(0);
			long now = System.currentTimeMillis();
			node.execute("HSET", prefix + ":session:sessions:" + id, "creationTime", Long.toString(now),
					"lastAccessedTime", Long.toString(now), "maxInactiveInterval", "1800", "sessionAttr:profile",
					"{\"@class\":\"dev.redisboot.session.SessionTestApplication$Profile\",\"name\":\"ada\","
							+ "\"roles\":[\"java.util.ArrayList\",[]]}");
			node.execute("EXPIRE", prefix + ":session:sessions:" + id, "60");
			String cookie = java.util.Base64.getEncoder().encodeToString(id.getBytes(StandardCharsets.UTF_8));
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(401);
			String fresh = login(a, "ada");
			assertThat(get(a, "/me", fresh).body()).isEqualTo("ada");
		}
	}

	@Test
	void revokingOtherSessionsKeepsTheCurrentOneAndOneSessionIsRevokedByItsHandle() {
		try (ConfigurableApplicationContext a = start(newPrefix(), "redisboot.key-digest-secret=" + SECRET)) {
			String laptop = login(a, USER);
			String phone = login(a, USER);
			String tablet = login(a, USER);
			RedisbootSessionRepository repository = SessionInstances.repository(a);
			List<SessionSummary> sessions = repository.findSessions(USER);
			assertThat(sessions).extracting(SessionSummary::handle)
				.containsExactly(repository.sessionHandle(sessionId(laptop)), repository.sessionHandle(sessionId(phone)),
						repository.sessionHandle(sessionId(tablet)));
			assertThat(repository.revokeSession("grace", sessions.get(2).handle())).as("not grace's").isFalse();
			assertThat(repository.revokeSession(USER, sessions.get(2).handle())).isTrue();
			assertThat(repository.revokeSession(USER, sessions.get(2).handle())).as("already revoked").isFalse();
			assertThat(get(a, "/me", tablet).statusCode()).isEqualTo(401);
			assertThat(repository.revokeOtherSessions(USER, sessionId(phone))).isEqualTo(1);
			assertThat(get(a, "/me", laptop).statusCode()).isEqualTo(401);
			assertThat(get(a, "/me", phone).body()).isEqualTo(USER);
			SessionTestApplication.SessionEvents events = a.getBean(SessionTestApplication.SessionEvents.class);
			assertThat(events.ids(SessionCreatedEvent.class)).containsExactly(sessionId(laptop), sessionId(phone),
					sessionId(tablet));
			// with an application key, events of revoked sessions carry the real id, as the contract asks
			assertThat(events.ids(SessionDeletedEvent.class)).containsExactly(sessionId(tablet), sessionId(laptop));
			repository.deleteById(sessionId(phone));
			repository.deleteById(sessionId(phone));
			repository.deleteById("no-such-session");
			assertThat(events.ids(SessionDeletedEvent.class)).containsExactly(sessionId(tablet), sessionId(laptop),
					sessionId(phone));
		}
	}

	@Test
	void anExpiredSessionIsNotFoundAndIsDeleted() {
		try (ConfigurableApplicationContext a = start(newPrefix())) {
			String cookie = login(a, "ada");
			RedisbootSessionRepository repository = SessionInstances.repository(a);
			String key = repository.sessionKey(sessionId(cookie));
			RedisNode node = RedisDeployments.sharedStandalone().nodes().get(0);
			// as a server whose clock is behind would keep it
			node.execute("HSET", key, "lastAccessedTime", Long.toString(System.currentTimeMillis() - 3_600_000));
			assertThat(repository.findById(sessionId(cookie))).isNull();
			assertThat(node.execute("EXISTS", key)).isEqualTo(0L);
		}
	}

	private static List<String> scan(String pattern) {
		RedisNode node = RedisDeployments.sharedStandalone().nodes().get(0);
		List<String> keys = new ArrayList<>();
		String cursor = "0";
		do {
			List<?> reply = (List<?>) node.execute("SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
			cursor = String.valueOf(reply.get(0));
			((List<?>) reply.get(1)).forEach((key) -> keys.add(String.valueOf(key)));
		}
		while (!"0".equals(cursor));
		return keys;
	}

	private static String dump(RedisConnection connection, byte[] key) {
		StringBuilder stored = new StringBuilder();
		DataType type = connection.keyCommands().type(key);
		if (type == DataType.HASH) {
			Map<byte[], byte[]> fields = connection.hashCommands().hGetAll(key);
			fields.forEach((field, value) -> stored.append(new String(field, StandardCharsets.ISO_8859_1))
				.append('=')
				.append(new String(value, StandardCharsets.ISO_8859_1))
				.append('\n'));
		}
		else if (type == DataType.ZSET) {
			connection.zSetCommands()
				.zRange(key, 0, -1)
				.forEach((member) -> stored.append(new String(member, StandardCharsets.ISO_8859_1)).append('\n'));
		}
		else {
			throw new AssertionError("Unexpected type " + type + " of " + new String(key, StandardCharsets.UTF_8));
		}
		return stored.toString();
	}

}

package dev.redisboot.session;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

import static dev.redisboot.session.SessionInstances.get;
import static dev.redisboot.session.SessionInstances.login;
import static dev.redisboot.session.SessionInstances.post;
import static dev.redisboot.session.SessionInstances.sessionId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The principal API ({@link PrincipalSessions#revokeSession}, {@code revokeOtherSessions}),
 * {@code findByIndexNameAndIndexValue} as Spring Session specifies it, and the session events
 * that docs/sessions.md lists, each with the id or handle it documents.
 */
@WithRedis
@Timeout(60)
class SessionPrincipalApiIntegrationTests {

	private static final String SECRET = "c2Vzc2lvbi1rZXktZGlnZXN0LXNlY3JldC0zMmJ5dGU="; // 32 bytes

	private static ConfigurableApplicationContext start(String... extra) {
		return SessionInstances.start(RedisDeployments.sharedStandalone(),
				"papi-" + UUID.randomUUID().toString().substring(0, 8), extra);
	}

	@Test
	void revokeSessionTakesAnIdAndRevokesOnlyASessionOfTheNamedPrincipal() {
		try (ConfigurableApplicationContext a = start()) {
			String laptop = login(a, "ada");
			String phone = login(a, "ada");
			String grace = login(a, "grace");
			RedisbootSessionRepository repository = SessionInstances.repository(a);
			assertThat(repository.revokeSession("ada", sessionId(grace))).as("grace's session").isFalse();
			assertThat(repository.revokeSession("nobody", sessionId(phone))).as("not nobody's").isFalse();
			assertThat(repository.revokeSession("ada", "no-such-session")).isFalse();
			assertThat(get(a, "/me", grace).body()).isEqualTo("grace");
			assertThat(repository.revokeSession("ada", sessionId(phone))).as("by its id").isTrue();
			assertThat(repository.revokeSession("ada", sessionId(phone))).as("already revoked").isFalse();
			assertThat(get(a, "/me", phone).statusCode()).isEqualTo(401);
			assertThat(get(a, "/me", laptop).body()).isEqualTo("ada");
			assertThat(repository.findSessions("ada")).extracting(SessionSummary::handle)
				.containsExactly(repository.sessionHandle(sessionId(laptop)));
		}
	}

	@Test
	void revokeOtherSessionsKeepsOnlyTheNamedSessionAndWithoutAKeyItsEventsCarryHandles() {
		try (ConfigurableApplicationContext a = start()) {
			String laptop = login(a, "ada");
			String phone = login(a, "ada");
			String tablet = login(a, "ada");
			String grace = login(a, "grace");
			RedisbootSessionRepository repository = SessionInstances.repository(a);
			assertThat(repository.revokeOtherSessions("nobody", sessionId(laptop))).isZero();
			assertThat(repository.revokeOtherSessions("ada", sessionId(phone))).isEqualTo(2);
			assertThat(repository.revokeOtherSessions("ada", sessionId(phone))).as("nothing left to revoke").isZero();
			assertThat(get(a, "/me", laptop).statusCode()).isEqualTo(401);
			assertThat(get(a, "/me", tablet).statusCode()).isEqualTo(401);
			assertThat(get(a, "/me", phone).body()).isEqualTo("ada");
			assertThat(get(a, "/me", grace).body()).as("another principal's").isEqualTo("grace");
			// a kept session that is not the principal's keeps none of the principal's sessions
			assertThat(repository.revokeOtherSessions("ada", sessionId(grace))).isEqualTo(1);
			assertThat(get(a, "/me", phone).statusCode()).isEqualTo(401);
			assertThat(get(a, "/me", grace).body()).isEqualTo("grace");
			// no application key: the ids are gone from Redis with the sessions, the events carry handles
			assertThat(events(a).ids(SessionDeletedEvent.class)).containsExactlyInAnyOrder(
					repository.sessionHandle(sessionId(laptop)), repository.sessionHandle(sessionId(tablet)),
					repository.sessionHandle(sessionId(phone)));
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void theEndpointSamplesSessionsPerPrincipalAsDigestsLeavingOutWhatIsNotAnIndex() {
		try (ConfigurableApplicationContext a = start()) {
			login(a, "ada");
			login(a, "ada");
			login(a, "grace");
			RedisbootSessionRepository repository = SessionInstances.repository(a);
			String ada = repository.principalKey("ada");
			String grace = repository.principalKey("grace");
			String family = ada.substring(0, ada.lastIndexOf(':') + 1);
			// hostile neighbours: an index key of another type, and a key that is no index's name
			StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
			redis.opsForValue().set(family + "A".repeat(32), "not a zset");
			redis.opsForZSet().add(family + "not-a-digest", "x", 1);
			Map<String, Object> sample = new PrincipalSessionsEndpoint(repository).principals();
			assertThat((java.util.List<Map<String, Object>>) sample.get("top")).containsExactly(
					Map.of("principal", a.getBean(KeyDigester.class).displayOfPrincipalDigest(ada.substring(family.length())),
							"sessions", 2L),
					Map.of("principal", a.getBean(KeyDigester.class).display("grace"), "sessions", 1L));
			assertThat(sample).containsEntry("indexesRead", 3).containsEntry("complete", true);
			assertThat(sample.toString()).as("names appear only as digests").doesNotContain("grace");
		}
	}

	@Test
	void findByIndexNameAndIndexValueAnswersThePrincipalIndexOnly() {
		try (ConfigurableApplicationContext a = start("redisboot.key-digest-secret=" + SECRET)) {
			String laptop = login(a, "ada");
			String phone = login(a, "ada");
			String grace = login(a, "grace");
			RedisbootSessionRepository repository = SessionInstances.repository(a);
			String index = FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME;
			Map<String, RedisbootSession> found = repository.findByIndexNameAndIndexValue(index, "ada");
			assertThat(found).containsOnlyKeys(sessionId(laptop), sessionId(phone));
			assertThat(found).allSatisfy((id, session) -> {
				assertThat(session.getId()).isEqualTo(id);
				assertThat((String) session.getAttribute(index)).isEqualTo("ada");
				assertThat(session.<Object>getAttribute("profile")).isNotNull();
			});
			assertThat(repository.findByIndexNameAndIndexValue(index, "grace")).containsOnlyKeys(sessionId(grace));
			assertThat(repository.findByIndexNameAndIndexValue(index, "nobody")).isEmpty();
			assertThat(repository.findByIndexNameAndIndexValue("role", "ada")).as("any other index").isEmpty();
			assertThat(repository.findByIndexNameAndIndexValue("principalName", "ada")).isEmpty();
			repository.revokeSession("ada", sessionId(phone));
			assertThat(repository.findByIndexNameAndIndexValue(index, "ada")).containsOnlyKeys(sessionId(laptop));
		}
	}

	@Test
	void creationIdChangeAndInvalidationPublishTheirEventsWithTheRealIds() {
		try (ConfigurableApplicationContext a = start()) {
			String cookie = login(a, "ada");
			String rotated = SessionInstances.cookie(post(a, "/rotate", cookie)).orElseThrow();
			assertThat(post(a, "/logout", rotated).statusCode()).isEqualTo(204);
			SessionTestApplication.SessionEvents events = events(a);
			assertThat(events.ids(SessionCreatedEvent.class)).startsWith(sessionId(cookie));
			assertThat(events.ids(SessionDeletedEvent.class)).as("the old id of the id change, then the logout")
				.containsExactly(sessionId(cookie), sessionId(rotated));
			assertThat(events.ids(SessionExpiredEvent.class)).isEmpty();
		}
	}

	@Test
	void theCleanUpPublishesOneSessionExpiredEventWithTheHandle() {
		try (ConfigurableApplicationContext a = start("spring.session.timeout=2s")) {
			// nothing happens between the sign-in and the expiry: no race against the timeout
			String cookie = login(a, "ada");
			RedisbootSessionRepository repository = SessionInstances.repository(a);
			StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
			String key = repository.sessionKey(sessionId(cookie));
			await().atMost(Duration.ofSeconds(15)).until(() -> !redis.hasKey(key));
			assertThat(repository.cleanUpExpiredSessions()).isOne();
			assertThat(repository.cleanUpExpiredSessions()).as("once").isZero();
			SessionTestApplication.SessionEvents events = events(a);
			assertThat(events.ids(SessionExpiredEvent.class))
				.containsExactly(repository.sessionHandle(sessionId(cookie)));
			assertThat(events.ids(SessionDeletedEvent.class)).isEmpty();
			assertThat(repository.findSessions("ada")).isEmpty();
		}
	}

	private static SessionTestApplication.SessionEvents events(ConfigurableApplicationContext context) {
		return context.getBean(SessionTestApplication.SessionEvents.class);
	}

}

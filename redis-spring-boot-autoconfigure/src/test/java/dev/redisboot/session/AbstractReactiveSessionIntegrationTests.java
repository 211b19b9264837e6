package dev.redisboot.session;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.redisboot.NonBlockingTest;
import dev.redisboot.test.RedisDeployment;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.redisboot.session.ReactiveSessionInstances.cookie;
import static dev.redisboot.session.ReactiveSessionInstances.get;
import static dev.redisboot.session.ReactiveSessionInstances.login;
import static dev.redisboot.session.ReactiveSessionInstances.post;
import static dev.redisboot.session.ReactiveSessionInstances.servletCookie;
import static dev.redisboot.session.ReactiveSessionInstances.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reactive sessions (WebFlux on Netty) on real Redis, run on each topology: shared with
 * servlet instances in both directions, unreadable and hostile state, sign out everywhere,
 * revoked sessions that a racing request must not bring back, concurrent id changes, the
 * maximum per principal and the counters. BlockHound fails any of it that blocks an event
 * loop, Lettuce's included.
 */
@NonBlockingTest
abstract class AbstractReactiveSessionIntegrationTests {

	protected abstract RedisDeployment redis();

	protected static String newPrefix() {
		return "rsess-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void aSessionIsSharedWithServletInstancesBothWays() {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext reactive = ReactiveSessionInstances.start(redis(), prefix);
				ConfigurableApplicationContext servlet = SessionInstances.start(redis(), prefix)) {
			String id = login(reactive, "ada");
			assertThat(SessionInstances.get(servlet, "/me", servletCookie(id)).body()).isEqualTo("ada");
			assertThat(SessionInstances.post(servlet, "/visits", servletCookie(id)).body()).isEqualTo("1");
			assertThat(post(reactive, "/visits", id).getResponseBody()).isEqualTo("2");
			String grace = SessionInstances.sessionId(SessionInstances.login(servlet, "grace"));
			assertThat(get(reactive, "/me", grace).getResponseBody()).isEqualTo("grace");
			assertThat(post(reactive, "/visits", grace).getResponseBody()).isEqualTo("1");
			assertThat(SessionInstances.post(servlet, "/visits", servletCookie(grace)).body()).isEqualTo("2");
			assertThat(principals(reactive).findSessions("ada")).hasSize(1);
			assertThat(principals(servlet).findSessions("grace")).hasSize(1);
			assertThat(registry(reactive).get("redisboot.sessions.creations").counter().count()).isEqualTo(1);
		}
	}

	@Test
	void corruptBytesGiveANewSessionNotAnError() {
		try (ConfigurableApplicationContext a = ReactiveSessionInstances.start(redis(), newPrefix())) {
			String id = login(a, "ada");
			redisTemplate(a).opsForHash().put(repository(a).sessionKey(id), "sessionAttr:profile", "{not json");
			assertThat(status(get(a, "/me", id))).isEqualTo(401);
			EntityExchangeResult<String> visit = post(a, "/visits", id);
			assertThat(status(visit)).isEqualTo(200);
			assertThat(visit.getResponseBody()).isEqualTo("1");
			assertThat(cookie(visit)).hasValueSatisfying((fresh) -> assertThat(fresh).isNotEqualTo(id));
			assertThat(registry(a).get("redisboot.sessions.deserialization.failures").tag("cause", "corrupt")
				.counter()
				.count()).isEqualTo(2);
		}
	}

	@Test
	void aSessionKeyOfAnotherTypeGivesANewSessionAndIsReplaced() {
		try (ConfigurableApplicationContext a = ReactiveSessionInstances.start(redis(), newPrefix())) {
			String id = login(a, "ada");
			String key = repository(a).sessionKey(id);
			StringRedisTemplate redis = redisTemplate(a);
			redis.delete(key);
			redis.opsForValue().set(key, "not a hash");
			assertThat(status(get(a, "/me", id))).isEqualTo(401);
			assertThat(redis.hasKey(key)).as("replaced").isFalse();
			assertThat(faults(a, "session", "wrong-type")).isEqualTo(1);
			assertThat(get(a, "/me", login(a, "ada")).getResponseBody()).isEqualTo("ada");
		}
	}

	@Test
	void aSessionKeyDeletedWhileARequestUsesItIsNotWrittenBack() throws Exception {
		try (ConfigurableApplicationContext a = ReactiveSessionInstances.start(redis(), newPrefix())) {
			String id = login(a, "ada");
			String key = repository(a).sessionKey(id);
			EntityExchangeResult<String> response = whileHeld(a, "/visits-held", id,
					() -> redisTemplate(a).delete(key));
			assertThat(status(response)).isEqualTo(200);
			assertThat(redisTemplate(a).hasKey(key)).as("not recreated").isFalse();
			assertThat(faults(a, "session", "deleted")).isEqualTo(1);
			assertThat(status(get(a, "/me", id))).isEqualTo(401);
		}
	}

	@Test
	void signingOutEverywhereEndsEverySessionOfThePrincipalOnEveryInstance() {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = ReactiveSessionInstances.start(redis(), prefix);
				ConfigurableApplicationContext b = ReactiveSessionInstances.start(redis(), prefix)) {
			List<String> ada = List.of(login(a, "ada"), login(a, "ada"), login(b, "ada"));
			String grace = login(b, "grace");
			assertThat(principals(b).findSessions("ada")).hasSize(3);
			assertThat(post(b, "/logout-everywhere?user=ada", null).getResponseBody()).isEqualTo("{\"revoked\":3}");
			assertThat(ada).allSatisfy((id) -> assertThat(status(get(a, "/me", id))).isEqualTo(401));
			assertThat(get(a, "/me", grace).getResponseBody()).isEqualTo("grace");
			assertThat(redisTemplate(a).hasKey(repository(a).principalKey("ada"))).isFalse();
			assertThat(registry(b).get("redisboot.sessions.revoked").tag("reason", "revoked").counter().count())
				.isEqualTo(3);
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
		try (ConfigurableApplicationContext a = ReactiveSessionInstances.start(redis(), newPrefix())) {
			String id = login(a, "ada");
			EntityExchangeResult<String> response = whileHeld(a, path, id,
					() -> assertThat(post(a, "/logout-everywhere?user=ada", null).getResponseBody())
						.isEqualTo("{\"revoked\":1}"));
			assertThat(status(response)).isEqualTo(200);
			String after = cookie(response).orElse(id);
			assertThat(status(get(a, "/me", after))).isEqualTo(401);
			assertThat(status(get(a, "/me", id))).isEqualTo(401);
			assertThat(redisTemplate(a).hasKey(repository(a).principalKey("ada"))).as("index").isFalse();
			assertThat(principals(a).findSessions("ada")).isEmpty();
		}
	}

	@Test
	void concurrentIdChangesOfOneSessionLeaveOneLiveSession() {
		try (ConfigurableApplicationContext a = ReactiveSessionInstances.start(redis(), newPrefix())) {
			String id = login(a, "ada");
			a.getBean(ReactiveSessionTestApplication.Gate.class).lineUp(6);
			// six requests in flight at once, lined up in the controller after each read the session and
			// before any gives it a new id (which WebFlux saves at once)
			List<EntityExchangeResult<String>> rotations = Flux.range(0, 6)
				.flatMap((i) -> Mono.fromCallable(() -> post(a, "/rotate", id)).subscribeOn(Schedulers.boundedElastic()))
				.collectList()
				.block(Duration.ofSeconds(60));
			assertThat(rotations).hasSize(6).allSatisfy((rotation) -> assertThat(status(rotation)).isEqualTo(200));
			List<String> ids = rotations.stream().map((rotation) -> cookie(rotation).orElseThrow()).toList();
			assertThat(ids.stream().filter((rotated) -> status(get(a, "/me", rotated)) == 200)).as("live copies")
				.hasSize(1);
			assertThat(status(get(a, "/me", id))).isEqualTo(401);
			assertThat(principals(a).findSessions("ada")).hasSize(1);
			assertThat(redisTemplate(a).opsForZSet().size(repository(a).principalKey("ada"))).isEqualTo(1);
			assertThat(faults(a, "session", "deleted")).isEqualTo(5);
		}
	}

	@Test
	void signingInOverTheMaximumRevokesTheOldestSession() {
		try (ConfigurableApplicationContext a = ReactiveSessionInstances.start(redis(), newPrefix(),
				"redisboot.session.max-sessions-per-principal=2")) {
			String first = login(a, "ada");
			String second = login(a, "ada");
			String third = login(a, "ada");
			assertThat(status(get(a, "/me", first))).isEqualTo(401);
			assertThat(status(get(a, "/me", second))).isEqualTo(200);
			assertThat(status(get(a, "/me", third))).isEqualTo(200);
			assertThat(principals(a).findSessions("ada")).hasSize(2);
			assertThat(registry(a).get("redisboot.sessions.revoked").tag("reason", "max-sessions").counter().count())
				.isEqualTo(1);
		}
	}

	@Test
	void loggingOutDeletesTheSession() {
		try (ConfigurableApplicationContext a = ReactiveSessionInstances.start(redis(), newPrefix())) {
			String id = login(a, "ada");
			assertThat(status(post(a, "/logout", id))).isEqualTo(204);
			assertThat(status(get(a, "/me", id))).isEqualTo(401);
			assertThat(redisTemplate(a).hasKey(repository(a).sessionKey(id))).isFalse();
			assertThat(registry(a).get("redisboot.sessions.invalidated").counter().count()).isEqualTo(1);
		}
	}

	/**
	 * Sends a request that waits in the controller, after reading its session, until the
	 * action has run.
	 */
	static EntityExchangeResult<String> whileHeld(ConfigurableApplicationContext a, String path, String id,
			Runnable action) throws Exception {
		ReactiveSessionTestApplication.Gate gate = a.getBean(ReactiveSessionTestApplication.Gate.class);
		gate.hold();
		java.util.concurrent.CompletableFuture<EntityExchangeResult<String>> held = Mono
			.fromCallable(() -> post(a, path, id))
			.subscribeOn(Schedulers.boundedElastic())
			.toFuture();
		gate.awaitReached();
		try {
			action.run();
		}
		finally {
			gate.open();
		}
		return held.get(30, java.util.concurrent.TimeUnit.SECONDS);
	}

	static RedisbootSessionRepository repository(ConfigurableApplicationContext context) {
		return context.getBean(RedisbootSessionRepository.class);
	}

	static PrincipalSessions principals(ConfigurableApplicationContext context) {
		return context.getBean(PrincipalSessions.class);
	}

	static StringRedisTemplate redisTemplate(ConfigurableApplicationContext context) {
		return context.getBean(StringRedisTemplate.class);
	}

	static MeterRegistry registry(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class);
	}

	static double faults(ConfigurableApplicationContext context, String family, String fault) {
		var counter = registry(context).find("redisboot.sessions.faults").tag("family", family).tag("fault", fault)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}

package dev.redisboot.session;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static dev.redisboot.session.SessionInstances.get;
import static dev.redisboot.session.SessionInstances.login;
import static dev.redisboot.session.SessionInstances.post;
import static dev.redisboot.session.SessionInstances.sessionId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile state in every key family the session repository writes (the session hash, the
 * principal index, the expiration set): garbage bytes, a key of another Redis type, a key
 * deleted while a request uses it, and a Redis user that may not touch the family
 * ({@code NOPERM}). Each case: no 5xx, a bounded number of log lines, the fault counted in a
 * metric, and recovery without a restart.
 */
@WithRedis
@ExtendWith(OutputCaptureExtension.class)
class SessionFaultInjectionIntegrationTests {

	private static final int REQUESTS = 10;

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

	private static ConfigurableApplicationContext start() {
		return SessionInstances.start(RedisDeployments.sharedStandalone(), prefix());
	}

	private static String prefix() {
		return "fault-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static RedisNode node() {
		return RedisDeployments.sharedStandalone().nodes().get(0);
	}

	// --- the session hash

	@Test
	void garbageBytesInASessionHashGiveANewSession(CapturedOutput output) {
		try (ConfigurableApplicationContext a = start()) {
			String cookie = login(a, "ada");
			String key = repository(a).sessionKey(sessionId(cookie));
			writeRaw(a, key, "sessionAttr:profile", new byte[] { (byte) 0xFF, (byte) 0xFE, 0, '{', 0x7F });
			assertAllAnswer(a, "/me", cookie, 401);
			assertThat(registry(a).get("redisboot.sessions.deserialization.failures").tag("cause", "corrupt").counter()
				.count()).isEqualTo(REQUESTS);
			assertBoundedLog(output, "A stored session could not be read");
			assertRecovers(a);
		}
	}

	@Test
	void aSessionKeyOfAnotherTypeGivesANewSessionAndIsReplaced(CapturedOutput output) {
		try (ConfigurableApplicationContext a = start()) {
			String cookie = login(a, "ada");
			String key = repository(a).sessionKey(sessionId(cookie));
			node().execute("DEL", key);
			node().execute("SET", key, "not a hash");
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(401);
			assertThat(node().execute("EXISTS", key)).as("replaced").isEqualTo(0L);
			node().execute("RPUSH", key, "still not a hash");
			assertAllAnswer(a, "/me", cookie, 401);
			assertThat(faults(a, "session", "wrong-type")).isEqualTo(2);
			assertBoundedLog(output, "family=session,fault=wrong-type");
			assertRecovers(a);
		}
	}

	@Test
	void aSessionKeyDeletedWhileARequestUsesItIsNotWrittenBack(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext a = start()) {
			String cookie = login(a, "ada");
			String key = repository(a).sessionKey(sessionId(cookie));
			HttpResponse<String> response = whileHeld(a, "/visits-held", cookie, () -> node().execute("DEL", key));
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(node().execute("EXISTS", key)).as("not recreated").isEqualTo(0L);
			assertThat(faults(a, "session", "deleted")).isEqualTo(1);
			assertBoundedLog(output, "family=session,fault=deleted");
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(401);
			assertRecovers(a);
		}
	}

	@Test
	void aSessionKeyReplacedByAnotherTypeWhileARequestUsesItIsNotOverwritten(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext a = start()) {
			String cookie = login(a, "ada");
			String key = repository(a).sessionKey(sessionId(cookie));
			HttpResponse<String> response = whileHeld(a, "/rotate", cookie, () -> {
				node().execute("DEL", key);
				node().execute("SET", key, "planted");
			});
			assertThat(response.statusCode()).isEqualTo(200);
			String rotated = SessionInstances.cookie(response).orElseThrow();
			assertThat(get(a, "/me", rotated).statusCode()).as("no copy under the new id").isEqualTo(401);
			assertThat(repository(a).findSessions("ada")).isEmpty();
			assertThat(faults(a, "session", "deleted")).isEqualTo(1);
			assertAllAnswer(a, "/me", cookie, 401);
			assertBoundedLog(output, "family=session,fault=deleted");
			assertRecovers(a);
		}
	}

	// --- the principal index

	@Test
	void garbageInAPrincipalIndexIsPruned(CapturedOutput output) {
		try (ConfigurableApplicationContext a = start()) {
			String cookie = login(a, "ada");
			String index = repository(a).principalKey("ada");
			node().execute("ZADD", index, "1", "\u00ff\u0000garbage", "2", "x".repeat(300), "3", "../../etc");
			assertThat(repository(a).findSessions("ada")).extracting(SessionSummary::handle)
				.containsExactly(repository(a).sessionHandle(sessionId(cookie)));
			assertThat(node().execute("ZCARD", index)).isEqualTo(1L);
			node().execute("ZADD", index, "1", "more garbage");
			assertThat(login(a, "ada")).isNotNull();
			assertThat(repository(a).revokeSessions("ada")).isEqualTo(2);
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(401);
			assertThat(output).doesNotContain("\tat ");
		}
	}

	@Test
	void aPrincipalIndexOfAnotherTypeIsRebuilt(CapturedOutput output) {
		try (ConfigurableApplicationContext a = start()) {
			String index = repository(a).principalKey("ada");
			node().execute("SET", index, "not an index");
			assertThat(repository(a).findSessions("ada")).isEmpty();
			assertThat(node().execute("EXISTS", index)).as("replaced").isEqualTo(0L);
			node().execute("HSET", index, "not", "an index");
			String cookie = login(a, "ada");
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(200);
			assertThat(repository(a).findSessions("ada")).hasSize(1);
			node().execute("DEL", index);
			node().execute("SET", index, "again");
			for (int i = 0; i < REQUESTS; i++) {
				assertThat(login(a, "ada")).isNotNull();
			}
			assertThat(repository(a).findSessions("ada")).hasSize(REQUESTS);
			assertThat(faults(a, "principal-index", "wrong-type")).isEqualTo(3);
			assertBoundedLog(output, "family=principal-index,fault=wrong-type");
			assertThat(repository(a).revokeSessions("ada")).isEqualTo(REQUESTS);
		}
	}

	@Test
	void aPrincipalIndexDeletedDuringSignInIsWrittenAgain(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext a = start()) {
			String cookie = login(a, "ada");
			String index = repository(a).principalKey("ada");
			HttpResponse<String> response = whileHeld(a, "/rotate", cookie, () -> node().execute("DEL", index));
			assertThat(response.statusCode()).isEqualTo(200);
			String rotated = SessionInstances.cookie(response).orElseThrow();
			assertThat(repository(a).findSessions("ada")).extracting(SessionSummary::handle)
				.containsExactly(repository(a).sessionHandle(sessionId(rotated)));
			assertThat(repository(a).revokeSessions("ada")).isEqualTo(1);
			assertThat(get(a, "/me", rotated).statusCode()).isEqualTo(401);
			assertThat(output).doesNotContain("\tat ");
		}
	}

	// --- the expiration set

	@Test
	void anExpirationSetOfAnotherTypeIsRebuilt(CapturedOutput output) {
		try (ConfigurableApplicationContext a = start()) {
			String expirations = repository(a).expirationsKey();
			node().execute("SET", expirations, "not a set");
			for (int i = 0; i < REQUESTS; i++) {
				String cookie = login(a, "ada");
				assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(200);
			}
			assertThat(node().execute("ZCARD", expirations)).isEqualTo((long) REQUESTS);
			node().execute("DEL", expirations);
			node().execute("SADD", expirations, "a set, not a sorted set");
			assertThat(repository(a).cleanUpExpiredSessions()).isZero();
			assertThat(node().execute("EXISTS", expirations)).as("replaced").isEqualTo(0L);
			assertThat(faults(a, "expirations", "wrong-type")).isEqualTo(2);
			assertBoundedLog(output, "family=expirations,fault=wrong-type");
			assertRecovers(a);
			assertThat(node().execute("ZCARD", expirations)).isEqualTo(1L);
		}
	}

	@Test
	void garbageInTheExpirationSetIsCleanedUp(CapturedOutput output) {
		try (ConfigurableApplicationContext a = start()) {
			String cookie = login(a, "ada");
			String expirations = repository(a).expirationsKey();
			node().execute("ZADD", expirations, "1", "\u00ff\u0000garbage", "2", "y".repeat(300), "-inf", "");
			assertThat(repository(a).cleanUpExpiredSessions()).isEqualTo(3);
			assertThat(node().execute("ZCARD", expirations)).isEqualTo(1L);
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(200);
			assertThat(output).doesNotContain("\tat ");
		}
	}

	@Test
	void anExpirationSetDeletedWhileARequestUsesItChangesNothingForTheUser(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext a = start()) {
			String cookie = login(a, "ada");
			HttpResponse<String> response = whileHeld(a, "/rotate", cookie,
					() -> node().execute("DEL", repository(a).expirationsKey()));
			assertThat(response.statusCode()).isEqualTo(200);
			String rotated = SessionInstances.cookie(response).orElseThrow();
			assertThat(get(a, "/me", rotated).statusCode()).isEqualTo(200);
			assertThat(node().execute("ZCARD", repository(a).expirationsKey())).isEqualTo(1L);
			assertThat(output).doesNotContain("\tat ");
		}
	}

	// --- NOPERM: the application's Redis user may not touch one family

	@Test
	void aUserWithoutTheSessionKeysGetsNoSessionNotAnError(CapturedOutput output) {
		assertNoPermission("sessions:*", "session", output, false);
	}

	@Test
	void aUserWithoutThePrincipalIndexesCannotSignInButGetsNoError(CapturedOutput output) {
		assertNoPermission("principals:*", "principal-index", output, false);
	}

	@Test
	void aUserWithoutTheExpirationSetStillHasSessions(CapturedOutput output) {
		assertNoPermission("expirations", "expirations", output, true);
	}

	private void assertNoPermission(String excluded, String family, CapturedOutput output, boolean signsIn) {
		String prefix = prefix();
		String namespace = prefix + ":session:";
		List<String> families = List.of("sessions:*", "principals:*", "expirations");
		RedisNode node = aclRedis.nodes().get(0);
		node.execute(aclRules(namespace, families.stream().filter((f) -> !f.equals(excluded)).toList()));
		// the ACL tightened behind a running application's back: the startup check would refuse
		// to start with a user that lacks keys under the prefix
		try (ConfigurableApplicationContext a = SessionInstances.start(aclRedis, prefix,
				"redisboot.connection.check-at-startup=false")) {
			for (int i = 0; i < REQUESTS; i++) {
				String cookie = login(a, "ada");
				assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(signsIn ? 200 : 401);
			}
			assertThat(repository(a).findSessions("ada").size()).isEqualTo(signsIn ? REQUESTS : 0);
			repository(a).cleanUpExpiredSessions();
			assertThat(faults(a, family, "noperm")).isGreaterThanOrEqualTo(REQUESTS);
			assertBoundedLog(output, "family=" + family + ",fault=noperm");
			// the operator fixes the ACL: the next request works
			node.execute(aclRules(namespace, families));
			String cookie = login(a, "ada");
			assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(200);
			assertThat(repository(a).revokeSessions("ada")).isEqualTo(signsIn ? REQUESTS + 1 : 1);
		}
		finally {
			node.execute("ACL", "SETUSER", StandaloneRedis.ACL_USER, "resetkeys", "~*");
		}
	}

	private static String[] aclRules(String namespace, List<String> families) {
		List<String> rules = new java.util.ArrayList<>(List.of("ACL", "SETUSER", StandaloneRedis.ACL_USER, "resetkeys"));
		families.forEach((f) -> rules.add("~" + namespace + f));
		return rules.toArray(String[]::new);
	}

	// --- helpers

	private static HttpResponse<String> whileHeld(ConfigurableApplicationContext a, String path, String cookie,
			Runnable meanwhile) throws Exception {
		SessionTestApplication.Gate gate = a.getBean(SessionTestApplication.Gate.class);
		gate.hold();
		CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> post(a, path, cookie),
				AbstractSessionIntegrationTests::inNewThread);
		gate.awaitReached();
		meanwhile.run();
		gate.open();
		return held.get(20, TimeUnit.SECONDS);
	}

	private static void assertAllAnswer(ConfigurableApplicationContext a, String path, String cookie, int status) {
		for (int i = 0; i < REQUESTS; i++) {
			assertThat(get(a, path, cookie).statusCode()).isEqualTo(status);
		}
	}

	/**
	 * The fault is logged once, in one line, and nothing logs a stack trace.
	 */
	private static void assertBoundedLog(CapturedOutput output, String line) {
		assertThat(output.getAll().lines().filter((l) -> l.contains(line))).hasSize(1);
		assertThat(output.getAll()).doesNotContain("\tat ").doesNotContain(" ERROR ");
	}

	private static void assertRecovers(ConfigurableApplicationContext a) {
		String fresh = login(a, "grace");
		assertThat(get(a, "/me", fresh).statusCode()).isEqualTo(200);
		assertThat(get(a, "/me", fresh).body()).isEqualTo("grace");
	}

	private static void writeRaw(ConfigurableApplicationContext a, String key, String field, byte[] value) {
		try (RedisConnection connection = a.getBean(RedisConnectionFactory.class).getConnection()) {
			connection.hashCommands()
				.hSet(key.getBytes(StandardCharsets.UTF_8), field.getBytes(StandardCharsets.UTF_8), value);
		}
	}

	private static RedisbootSessionRepository repository(ConfigurableApplicationContext context) {
		return SessionInstances.repository(context);
	}

	private static MeterRegistry registry(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class);
	}

	private static double faults(ConfigurableApplicationContext context, String family, String fault) {
		Counter counter = registry(context).find("redisboot.sessions.faults")
			.tag("family", family)
			.tag("fault", fault)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}

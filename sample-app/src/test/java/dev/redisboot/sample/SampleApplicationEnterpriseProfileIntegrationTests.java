package dev.redisboot.sample;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import dev.redisboot.audit.AuditEvent;
import dev.redisboot.audit.AuditTrail;
import dev.redisboot.sample.auth.DemoPasswords;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.test.ClusterRedis;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stage 3 of docs/guide.md, the {@code enterprise} profile: sessions, jobs and rate limits on
 * a Redis Cluster reached over TLS as a least-privilege ACL user ({@value #ACL_RULES}), the
 * caches on a second Cluster set up the same way, the users cache and the sessions encrypted,
 * every secret from the environment, the audit trail on.
 *
 * @author redisboot
 */
@ActiveProfiles("enterprise")
class SampleApplicationEnterpriseProfileIntegrationTests extends AbstractStageProfileIntegrationTests {

	/**
	 * The ACL the guide gives the application: its key prefix and channels, no dangerous command.
	 */
	static final String ACL_RULES = "~sample:* &sample:* +@all -@dangerous";

	private static final ClusterRedis DURABLE = ClusterRedis.startWithTlsAndAclUser(ACL_RULES);

	private static final ClusterRedis CACHE = ClusterRedis.startWithTlsAndAclUser(ACL_RULES);

	@Autowired
	private AuditTrail auditTrail;

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("REDIS_CLUSTER_NODES", () -> nodes(DURABLE));
		registry.add("REDIS_USERNAME", () -> DURABLE.username().orElseThrow());
		registry.add("REDIS_PASSWORD", () -> DURABLE.password().orElseThrow());
		registry.add("REDIS_CACHE_CLUSTER_NODES", () -> nodes(CACHE));
		registry.add("REDIS_CACHE_USERNAME", () -> CACHE.username().orElseThrow());
		registry.add("REDIS_CACHE_PASSWORD", () -> CACHE.password().orElseThrow());
		// Both clusters' certificates are signed by the test run's CA
		registry.add("REDIS_CA_CERTIFICATE", () -> property(DURABLE,
				"spring.ssl.bundle.pem." + StandaloneRedis.SSL_BUNDLE + ".truststore.certificate"));
		registry.add("REDISBOOT_KEY_DIGEST_SECRET", () -> randomKey());
		registry.add("REDISBOOT_CACHE_KEY", () -> randomKey());
		registry.add("REDISBOOT_SESSION_KEY", () -> randomKey());
	}

	private static String nodes(ClusterRedis cluster) {
		return String.join(",",
				cluster.nodes().stream().map((node) -> node.host() + ":" + cluster.clientPort(node)).toList());
	}

	private static String property(ClusterRedis cluster, String name) {
		return Arrays.stream(cluster.propertyValues())
			.filter((value) -> value.startsWith(name + "="))
			.map((value) -> value.substring(name.length() + 1))
			.findFirst()
			.orElseThrow();
	}

	private static String randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	@Override
	List<RedisNode> durableNodes() {
		return DURABLE.primaries();
	}

	@Override
	List<RedisNode> cacheNodes() {
		return CACHE.primaries();
	}

	@Test
	void healthShowsNoDetailsToAnonymousCallers() {
		awaitHealthUp();
		assertThat(actuator().get("/actuator/health")).hasStatusOk()
			.bodyJson()
			.doesNotHavePath("$.components");
	}

	@Test
	void keepsUsersEncryptedOnTheCacheClusterAndSessionsEncryptedOnTheDurableOne() {
		User user = this.users.save(new User("secret-" + UUID.randomUUID() + "@example.com", "Secret User",
				Instant.now(), Plan.PRO, User.newApiKey(), DemoPasswords.hash(PASSWORD)));
		assertThat(get("/api/users/" + user.getId(), null)).hasStatusOk()
			.bodyJson()
			.extractingPath("$.email")
			.isEqualTo(user.getEmail());
		String key = "sample:cache:users:" + user.getId();
		assertThat(keys(cacheNodes(), key)).containsExactly(key);
		assertThat(new String(bytes(CACHE.primaryFor(key).execute("GET", key)))).doesNotContain(user.getEmail())
			.doesNotContain("Secret User");

		String cookie = signIn(user.getEmail());
		assertThat(get("/api/me", cookie)).hasStatusOk();
		List<String> sessions = keys(durableNodes(), "sample:session:sessions:*");
		assertThat(sessions).isNotEmpty().noneMatch((session) -> session.contains(cookie));
		for (String session : sessions) {
			Object fields = DURABLE.primaryFor(session).execute("HGETALL", session);
			assertThat(((List<?>) fields).stream().map((field) -> new String(bytes(field))))
				.noneMatch((field) -> field.contains(user.getEmail()));
		}
	}

	@Test
	void recordsAuditEventsInTheDurableCluster() {
		String action = "plan:change-" + UUID.randomUUID().toString().substring(0, 8);
		this.auditTrail.record(new AuditEvent(Instant.now(), "ops@example.com", action, "user=42", "10.0.3.7", "ok"));
		assertThat(keys(durableNodes(), "sample:audit")).containsExactly("sample:audit");
		assertThat(actuator().get("/actuator/audit")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.entries[*].action")
			.asArray()
			.contains(action);
	}

	private static byte[] bytes(Object value) {
		return (value instanceof byte[] bytes) ? bytes : String.valueOf(value).getBytes();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Servers {

		@Bean
		ServersStopper serversStopper() {
			return new ServersStopper(DURABLE, CACHE);
		}

	}

}

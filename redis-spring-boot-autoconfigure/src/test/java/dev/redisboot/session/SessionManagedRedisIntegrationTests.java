package dev.redisboot.session;

import java.net.http.HttpResponse;

import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.config.ConfigureNotifyKeyspaceEventsAction;

import static dev.redisboot.session.SessionInstances.get;
import static dev.redisboot.session.SessionInstances.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Sessions on a Redis that refuses {@code CONFIG} to the application's user, as managed Redis
 * services do: an ACL user with every command but {@code CONFIG}, on a server of its own.
 */
@WithRedis
@ExtendWith(OutputCaptureExtension.class)
class SessionManagedRedisIntegrationTests {

	private static StandaloneRedis redis;

	@BeforeAll
	static void startRedisWithRestrictedUser() {
		redis = StandaloneRedis.start();
		redis.node().execute("ACL", "SETUSER", "app", "on", ">app-secret", "~*", "&*", "+@all", "-config");
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	private static ConfigurableApplicationContext start(String... extra) {
		String[] properties = new String[extra.length + 2];
		properties[0] = "spring.data.redis.username=app";
		properties[1] = "spring.data.redis.password=app-secret";
		System.arraycopy(extra, 0, properties, 2, extra.length);
		return SessionInstances.start(redis, "managed", properties);
	}

	@Test
	void theUserReallyCannotRunConfig() {
		try (ConfigurableApplicationContext context = start();
				RedisConnection connection = context.getBean(RedisConnectionFactory.class).getConnection()) {
			assertThatExceptionOfType(DataAccessException.class)
				.isThrownBy(() -> new ConfigureNotifyKeyspaceEventsAction().configure(connection))
				.havingRootCause()
				.withMessageContaining("NOPERM");
		}
	}

	@Test
	void redisbootsRepositoryNeedsNoConfig(CapturedOutput output) {
		try (ConfigurableApplicationContext context = start()) {
			String cookie = login(context, "ada");
			assertThat(get(context, "/me", cookie).body()).isEqualTo("ada");
			assertThat(context.getBean(SessionRepository.class)).isInstanceOf(RedisbootSessionRepository.class);
		}
		assertThat(output).doesNotContain("keyspace notifications");
	}

	@Test
	void theIndexedRepositoryStartsWithOneWarningAndStoresJson(CapturedOutput output) {
		try (ConfigurableApplicationContext context = start("spring.session.data.redis.repository-type=indexed")) {
			assertThat(context.getBean(SessionRepository.class)).isInstanceOf(RedisIndexedSessionRepository.class);
			assertThat(output).containsOnlyOnce("Could not check or enable Redis keyspace notifications")
				.contains("notify-keyspace-events");
			String cookie = login(context, "ada");
			assertThat(get(context, "/me", cookie).body()).isEqualTo("ada");
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			String key = "managed:session:sessions:" + SessionInstances.sessionId(cookie);
			assertThat((String) template.opsForHash().get(key, "sessionAttr:profile"))
				.startsWith("{\"@class\":\"dev.redisboot.session.SessionTestApplication$Profile\"");
			// an attribute that cannot be read makes no session, not an error
			template.opsForHash().put(key, "sessionAttr:profile", "{not json");
			HttpResponse<String> me = get(context, "/me", cookie);
			assertThat(me.statusCode()).isEqualTo(401);
		}
	}

}

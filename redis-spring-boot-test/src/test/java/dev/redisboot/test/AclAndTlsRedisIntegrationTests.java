package dev.redisboot.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The least-privilege ({@link RedisTopology#ACL}) and TLS ({@link RedisTopology#TLS})
 * servers: the application's connection gets what a managed Redis would give it, while the
 * harness keeps an unrestricted plain-text connection.
 */
class AclAndTlsRedisIntegrationTests {

	private static StandaloneRedis acl;

	private static StandaloneRedis tight;

	private static StandaloneRedis tls;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class));

	@BeforeAll
	static void start() {
		acl = StandaloneRedis.startWithAclUser(StandaloneRedis.MANAGED_ACL_RULES);
		tight = StandaloneRedis.startWithAclUser("~tight:* &tight:* +@all -@dangerous");
		tls = StandaloneRedis.startWithTls();
	}

	@AfterAll
	static void stop() {
		acl.close();
		tight.close();
		tls.close();
	}

	@Test
	void anAclUserReadsAndWritesButIsRefusedDangerousCommands() {
		assertThat(acl.topology()).isEqualTo(RedisTopology.ACL);
		assertThat(acl.username()).contains(StandaloneRedis.ACL_USER);
		this.contextRunner.withBean(DataRedisConnectionDetails.class, acl::connectionDetails).run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("harness:acl", "yes");
			assertThat(acl.node().execute("GET", "harness:acl")).isEqualTo("yes");
			assertThat(acl.node().execute("ACL", "WHOAMI")).as("the harness stays the default user")
				.isEqualTo("default");
			try (RedisConnection connection = context.getBean(RedisConnectionFactory.class).getConnection()) {
				assertThat(connection.execute("ACL", "WHOAMI".getBytes())).isEqualTo("app".getBytes());
				assertThatException().isThrownBy(() -> connection.serverCommands().info())
					.withStackTraceContaining("NOPERM");
				assertThatException().isThrownBy(() -> connection.serverCommands().getConfig("maxmemory"))
					.withStackTraceContaining("NOPERM");
			}
		});
	}

	@Test
	void propertyValuesCarryTheUserAndTheAclSurvivesARestart() {
		acl.node().restart();
		this.contextRunner.withPropertyValues(acl.propertyValues()).run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("harness:acl-restarted", "yes");
			try (RedisConnection connection = context.getBean(RedisConnectionFactory.class).getConnection()) {
				assertThatException().isThrownBy(() -> connection.serverCommands().info())
					.withStackTraceContaining("NOPERM");
			}
		});
	}

	@Test
	void aTightAclRefusesKeysAndChannelsOutsideItsPattern() {
		this.contextRunner.withPropertyValues(tight.propertyValues()).run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("tight:mine", "yes");
			assertThatException().isThrownBy(() -> template.opsForValue().set("other:key", "no"))
				.withStackTraceContaining("NOPERM");
			assertThatException().isThrownBy(() -> template.convertAndSend("other:channel", "no"))
				.withStackTraceContaining("NOPERM");
			assertThat(template.convertAndSend("tight:channel", "yes")).isZero();
		});
	}

	@Test
	void aTlsServerServesTheApplicationOverTlsOnly() throws IOException {
		assertThat(tls.topology()).isEqualTo(RedisTopology.TLS);
		assertThat(tls.clientPort()).isNotEqualTo(tls.port());
		this.contextRunner.withBean(DataRedisConnectionDetails.class, tls::connectionDetails).run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			template.opsForValue().set("harness:tls", "yes");
			assertThat(tls.node().execute("GET", "harness:tls")).isEqualTo("yes");
		});
		this.contextRunner.withPropertyValues(tls.propertyValues())
			.run((context) -> assertThat(context.getBean(StringRedisTemplate.class).opsForValue().get("harness:tls"))
				.isEqualTo("yes"));
		// the TLS port does not speak plain text
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(tls.host(), tls.clientPort()), 2000);
			assertThat(socket.isConnected()).isTrue();
		}
		this.contextRunner.withPropertyValues("spring.data.redis.host=" + tls.host(),
				"spring.data.redis.port=" + tls.clientPort(), "spring.data.redis.timeout=1s",
				"spring.data.redis.connect-timeout=1s")
			.run((context) -> assertThatExceptionOfType(RedisConnectionFailureException.class)
				.isThrownBy(() -> context.getBean(StringRedisTemplate.class).opsForValue().get("harness:tls")));
	}

}

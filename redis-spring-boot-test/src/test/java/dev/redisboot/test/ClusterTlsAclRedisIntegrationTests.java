package dev.redisboot.test;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@link ClusterRedis#startWithTlsAndAclUser(String)}: a cluster as managed services run one,
 * reached over TLS as a least-privilege user, keys spread over every primary.
 */
class ClusterTlsAclRedisIntegrationTests {

	private static ClusterRedis cluster;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class));

	@BeforeAll
	static void start() {
		cluster = ClusterRedis.startWithTlsAndAclUser("~tls:* &tls:* +@all -@dangerous");
	}

	@AfterAll
	static void stop() {
		cluster.close();
	}

	@Test
	void theApplicationWritesOverTlsToEveryPrimaryAsTheAclUser() {
		assertThat(cluster.isTls()).isTrue();
		assertThat(cluster.username()).contains(StandaloneRedis.ACL_USER);
		assertThat(cluster.nodes()).allMatch((node) -> cluster.clientPort(node) != node.port());
		this.contextRunner.withBean(DataRedisConnectionDetails.class, cluster::connectionDetails).run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			List<String> keys = List.of("tls:a", "tls:b", "tls:c", "tls:d", "tls:e", "tls:f", "tls:g", "tls:h");
			keys.forEach((key) -> template.opsForValue().set(key, key));
			assertThat(keys.stream().map(cluster::primaryFor).distinct()).as("keys on every primary").hasSize(3);
			keys.forEach((key) -> assertThat(cluster.primaryFor(key).execute("GET", key)).isEqualTo(key));
			assertThatException().isThrownBy(() -> template.opsForValue().set("other:key", "no"))
				.withStackTraceContaining("NOPERM");
			try (RedisConnection connection = context.getBean(RedisConnectionFactory.class).getConnection()) {
				assertThatException().isThrownBy(() -> connection.serverCommands().info())
					.withStackTraceContaining("NOPERM");
			}
		});
		this.contextRunner.withPropertyValues(cluster.propertyValues())
			.run((context) -> assertThat(context.getBean(StringRedisTemplate.class).opsForValue().get("tls:a"))
				.isEqualTo("tls:a"));
	}

}

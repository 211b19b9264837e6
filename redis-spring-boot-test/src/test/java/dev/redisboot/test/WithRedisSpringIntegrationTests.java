package dev.redisboot.test;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(classes = WithRedisSpringIntegrationTests.Config.class,
		properties = { "spring.data.redis.host=redis.invalid", "spring.data.redis.port=1" })
@WithRedis
class WithRedisSpringIntegrationTests {

	@Autowired
	private StringRedisTemplate template;

	@Autowired
	private LettuceConnectionFactory connectionFactory;

	@Test
	void connectionDetailsWinOverProperties(StandaloneRedis redis) {
		assertThat(this.connectionFactory.getPort()).isEqualTo(redis.port());
		this.template.opsForValue().set("harness:spring", "connected");
		assertThat(redis.node().execute("GET", "harness:spring")).isEqualTo("connected");
	}

	@Test
	void sharedDeploymentIsTheJvmWideOne(RedisDeployment redis) {
		assertThat(redis).isSameAs(RedisDeployments.sharedStandalone());
	}

	@Nested
	class NestedTests {

		@Test
		void nestedClassUsesTheSameServer(StandaloneRedis redis) {
			assertThat(WithRedisSpringIntegrationTests.this.connectionFactory.getPort()).isEqualTo(redis.port());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(DataRedisAutoConfiguration.class)
	static class Config {

	}

}

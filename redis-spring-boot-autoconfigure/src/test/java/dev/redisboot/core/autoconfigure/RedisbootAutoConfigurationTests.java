package dev.redisboot.core.autoconfigure;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.RedisKeyNamer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisbootAutoConfiguration}. No Redis is needed: creating Boot's Lettuce
 * connection factory does not connect.
 */
class RedisbootAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class));

	@Test
	void keyNamerUsesConfiguredPrefix() {
		this.contextRunner.withPropertyValues("redisboot.key-prefix=prod").run((context) -> {
			assertThat(context).hasSingleBean(RedisKeyNamer.class).hasSingleBean(RedisConnectionFactory.class);
			RedisKeyNamer namer = context.getBean(RedisKeyNamer.class);
			assertThat(namer.prefix()).contains("prod");
			assertThat(namer.key("cache", "users", "123")).isEqualTo("prod:cache:users:123");
		});
	}

	@Test
	void keyNamerHasNoPrefixByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RedisKeyNamer.class);
			RedisKeyNamer namer = context.getBean(RedisKeyNamer.class);
			assertThat(namer.prefix()).isEmpty();
			assertThat(namer.key("cache", "users", "123")).isEqualTo("cache:users:123");
		});
	}

	@Test
	void keyPrefixIsBoundWithRelaxedNames() {
		this.contextRunner.withPropertyValues("redisboot.keyPrefix=shop:prod")
			.run((context) -> assertThat(context.getBean(RedisKeyNamer.class).prefix()).contains("shop:prod"));
	}

	@Test
	void userKeyNamerWins() {
		this.contextRunner.withUserConfiguration(UserKeyNamerConfiguration.class)
			.withPropertyValues("redisboot.key-prefix=prod")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisKeyNamer.class).hasBean("userKeyNamer");
				assertThat(context.getBean(RedisKeyNamer.class).prefix()).contains("mine");
			});
	}

	@Test
	void backsOffWithoutSpringDataRedis() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.run((context) -> assertThat(context).doesNotHaveBean(RedisKeyNamer.class)
				.doesNotHaveBean(RedisbootProperties.class));
	}

	@Test
	void invalidKeyPrefixFailsStartupWithAnalyzableFailure() {
		this.contextRunner.withPropertyValues("redisboot.key-prefix=bad prefix").run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(failure).hasRootCauseInstanceOf(InvalidPropertyException.class);
			FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer(null).analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'redisboot.key-prefix'")
				.contains("'bad prefix'")
				.contains("whitespace");
			assertThat(analysis.getAction()).contains("Remove the property");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserKeyNamerConfiguration {

		@Bean
		RedisKeyNamer userKeyNamer() {
			return new RedisKeyNamer("mine");
		}

	}

}

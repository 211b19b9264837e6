package dev.redisboot.core.autoconfigure;

import java.time.Duration;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.RedisUsage;
import io.lettuce.core.resource.ClientResources;
import org.junit.jupiter.api.Test;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.DefaultApplicationArguments;
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

	@Test
	void theStartupCheckRunsInApplicationsOnlyNotInBareTestContexts() {
		// a context without SpringApplication's ApplicationArguments must not reach out to localhost:6379
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(RedisStartupCheck.class));
		this.contextRunner.withBean(ApplicationArguments.class, DefaultApplicationArguments::new)
			.withPropertyValues("redisboot.connection.check-at-startup=false")
			.run((context) -> assertThat(context).hasSingleBean(RedisStartupCheck.class));
	}

	@Test
	void pubSubListenersDeclareThatTheyNeedChannels() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(dev.redisboot.pubsub.autoconfigure.RedisbootPubSubAutoConfiguration.class))
			.run((context) -> assertThat(context.getBeansOfType(RedisUsage.class).values())
				.filteredOn(RedisUsage::channels)
				.extracting(RedisUsage::description)
				.containsExactly("pub/sub listeners"));
	}

	@Test
	void theReconnectDelayCapIsValidated() {
		this.contextRunner.withPropertyValues("redisboot.connection.max-reconnect-delay=0s").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer(null).analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'redisboot.connection.max-reconnect-delay'");
		});
		this.contextRunner.withPropertyValues("redisboot.connection.max-reconnect-delay=250ms")
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(ClientResources.class)
				.satisfies((resources) -> assertThat(resources.reconnectDelay().createDelay(30))
					.isEqualTo(Duration.ofMillis(250))));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserKeyNamerConfiguration {

		@Bean
		RedisKeyNamer userKeyNamer() {
			return new RedisKeyNamer("mine");
		}

	}

}

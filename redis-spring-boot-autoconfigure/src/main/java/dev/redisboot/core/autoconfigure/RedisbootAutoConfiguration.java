package dev.redisboot.core.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.PropertyChecks;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.redis.RedisServerConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the building blocks that every
 * redisboot feature shares, starting with the {@link RedisKeyNamer}, and for the connection:
 * a reconnect delay capped at {@code redisboot.connection.max-reconnect-delay}, and the
 * startup check of what the connection's user may do.
 *
 * @author redisboot
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class)
@ConditionalOnClass(RedisConnectionFactory.class)
@EnableConfigurationProperties(RedisbootProperties.class)
public final class RedisbootAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RedisKeyNamer redisKeyNamer(RedisbootProperties properties) {
		return new RedisKeyNamer(properties.getKeyPrefix());
	}

	@Bean
	@ConditionalOnMissingBean
	KeyDigester keyDigester(RedisbootProperties properties) {
		return KeyDigester.of(properties.getKeyDigestSecret());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ LettuceConnectionFactory.class, ClientResources.class })
	static class LettuceConnectionConfiguration {

		// consumed by Boot's ClientResources bean when it is created, so registration order does not matter
		@Bean
		ClientResourcesBuilderCustomizer redisbootReconnectDelay(RedisbootProperties properties) {
			Duration max = PropertyChecks.positive("redisboot.connection.max-reconnect-delay",
					properties.getConnection().getMaxReconnectDelay(), "1s");
			// exponential from 1 ms as Lettuce does by default, but capped low so that recovery is noticed soon
			return (builder) -> builder.reconnectDelay(
					Delay.exponential(Duration.ofMillis(1), max, 2, TimeUnit.MILLISECONDS));
		}

		// only in applications started by SpringApplication, which registers ApplicationArguments: a bare
		// test context without Redis must not reach out to whatever listens on localhost:6379
		@Bean
		@ConditionalOnBean({ LettuceConnectionFactory.class, ApplicationArguments.class })
		RedisStartupCheck redisbootStartupCheck(LettuceConnectionFactory connectionFactory, RedisKeyNamer keyNamer,
				ObjectProvider<RedisUsage> usages, RedisbootProperties properties,
				ObjectProvider<RedisMessageListenerContainer> listenerContainers,
				ObjectProvider<RedisServerConnection> separateServers) {
			return new RedisStartupCheck(connectionFactory, keyNamer, usages, properties.getConnection(),
					listenerContainers, separateServers);
		}

	}

}

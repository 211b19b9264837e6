package dev.redisboot.core.autoconfigure;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the building blocks that every
 * redisboot feature shares, starting with the {@link RedisKeyNamer}.
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

}

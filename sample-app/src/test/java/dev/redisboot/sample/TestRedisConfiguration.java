package dev.redisboot.sample;

import dev.redisboot.test.StandaloneRedis;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Starts a Redis server of the application's own, through the redisboot test harness (a
 * container when Docker is available, a local {@code redis-server} otherwise), and points
 * Spring Boot at it. Used by {@link TestSampleApplication}.
 *
 * @author redisboot
 */
@TestConfiguration(proxyBeanMethods = false)
class TestRedisConfiguration {

	@Bean // closed, and so stopped, with the application context
	StandaloneRedis redis() {
		return StandaloneRedis.start();
	}

	@Bean
	DataRedisConnectionDetails redisConnectionDetails(StandaloneRedis redis) {
		return redis.connectionDetails();
	}

}

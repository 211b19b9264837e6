package dev.redisboot.sample;

import dev.redisboot.test.StandaloneRedis;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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

	private static final Log logger = LogFactory.getLog(TestRedisConfiguration.class);

	@Bean // closed, and so stopped, with the application context
	StandaloneRedis redis() {
		StandaloneRedis redis = StandaloneRedis.start();
		// The port is random: say it, so that the cache can be watched with redis-cli
		logger.info("Redis for the sample application: redis-cli -h " + redis.host() + " -p " + redis.port());
		return redis;
	}

	@Bean
	DataRedisConnectionDetails redisConnectionDetails(StandaloneRedis redis) {
		return redis.connectionDetails();
	}

}

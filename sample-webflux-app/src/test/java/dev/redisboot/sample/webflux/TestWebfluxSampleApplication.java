package dev.redisboot.sample.webflux;

import dev.redisboot.test.StandaloneRedis;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Runs {@link WebfluxSampleApplication} against a Redis server started for it, so that nothing
 * needs to be installed or running beforehand:
 * {@code ./mvnw -pl sample-webflux-app spring-boot:test-run}.
 *
 * @author redisboot
 */
public class TestWebfluxSampleApplication {

	public static void main(String[] args) {
		SpringApplication.from(WebfluxSampleApplication::main).with(TestRedisConfiguration.class).run(args);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class TestRedisConfiguration {

		private static final Log logger = LogFactory.getLog(TestRedisConfiguration.class);

		@Bean // closed, and so stopped, with the application context
		StandaloneRedis redis() {
			StandaloneRedis redis = StandaloneRedis.start();
			logger.info("Redis for the WebFlux sample: redis-cli -h " + redis.host() + " -p " + redis.port());
			return redis;
		}

		@Bean
		DataRedisConnectionDetails redisConnectionDetails(StandaloneRedis redis) {
			return redis.connectionDetails();
		}

	}

}

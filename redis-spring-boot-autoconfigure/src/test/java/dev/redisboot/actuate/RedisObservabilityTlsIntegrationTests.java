package dev.redisboot.actuate;

import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static dev.redisboot.actuate.ObservabilityTestSupport.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health and server metrics over TLS (an SSL bundle, the TLS port of the harness's server).
 */
@WithRedis(RedisTopology.TLS)
class RedisObservabilityTlsIntegrationTests {

	@Test
	void healthAndServerMetricsWorkOverTls(StandaloneRedis redis) {
		runner(redis).withPropertyValues("redisboot.observability.health.cache-time-to-live=0").run((context) -> {
			Health health = context.getBean(RedisServerHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("version", redis.node().info("server").get("redis_version"))
				.containsEntry("role", "master")
				.doesNotContainKeys("error", "infoRefused");
		});
		runner(redis).withPropertyValues("redisboot.observability.server-metrics.enabled=true").run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			RedisServerMetrics metrics = context.getBean(RedisServerMetrics.class);
			metrics.bindTo(registry);
			metrics.refresh();
			assertThat(registry.get("redis.up").tag("node", redis.host() + ":" + redis.clientPort()).gauge().value())
				.isEqualTo(1);
			assertThat(registry.get("redis.info.readable").gauge().value()).isEqualTo(1);
			assertThat(registry.get("redis.memory.used").gauge().value()).isPositive();
		});
	}

}

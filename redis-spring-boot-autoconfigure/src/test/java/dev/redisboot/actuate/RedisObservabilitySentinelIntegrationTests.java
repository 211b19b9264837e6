package dev.redisboot.actuate;

import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.SentinelRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static dev.redisboot.actuate.ObservabilityTestSupport.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health and server metrics through Sentinel: the primary is read, and its meters are tagged
 * with the master's name, which stays the same across failovers.
 */
@WithRedis(RedisTopology.SENTINEL)
class RedisObservabilitySentinelIntegrationTests {

	@Test
	void healthAndMetricsReadThePrimaryFoundThroughSentinel(SentinelRedis redis) {
		runner(redis).withPropertyValues("redisboot.observability.server-metrics.enabled=true").run((context) -> {
			Health health = context.getBean(RedisServerHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("mode", "sentinel")
				.containsEntry("role", "master")
				.containsEntry("connectedReplicas", 1L)
				.containsEntry("version", redis.currentPrimary().info("server").get("redis_version"));
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			RedisServerMetrics metrics = context.getBean(RedisServerMetrics.class);
			metrics.bindTo(registry);
			metrics.refresh();
			assertThat(registry.get("redis.up").tag("node", SentinelRedis.MASTER_NAME).gauge().value()).isEqualTo(1);
			assertThat(registry.get("redis.connected.slaves").tag("node", SentinelRedis.MASTER_NAME).gauge().value())
				.isEqualTo(1);
		});
	}

}

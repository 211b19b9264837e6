package dev.redisboot.actuate;

import java.util.Map;

import dev.redisboot.test.ClusterRedis;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static dev.redisboot.actuate.ObservabilityTestSupport.runner;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health on a Redis Cluster reached over TLS as the least-privilege user managed services give
 * ({@code +@all -@dangerous}: no {@code INFO}, but {@code CLUSTER INFO} allowed): {@code UP}
 * with the cluster's state, every node marked as refusing {@code INFO}. It was {@code DOWN}
 * with {@code cluster_state unknown}, because {@code CLUSTER INFO} was asked only of nodes
 * that had answered {@code INFO}.
 */
class RedisObservabilityClusterAclIntegrationTests {

	private static ClusterRedis redis;

	@BeforeAll
	static void start() {
		redis = ClusterRedis.startWithTlsAndAclUser(StandaloneRedis.MANAGED_ACL_RULES);
	}

	@AfterAll
	static void stop() {
		redis.close();
	}

	@Test
	void healthIsUpWithTheClusterStateWhenInfoIsRefused() {
		runner(redis).withPropertyValues("redisboot.observability.health.cache-time-to-live=0").run((context) -> {
			Health health = context.getBean(RedisServerHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("mode", "cluster")
				.containsEntry("cluster_state", "ok")
				.containsEntry("slots_up", 16384L)
				.doesNotContainKey("version");
			@SuppressWarnings("unchecked")
			Map<String, Map<String, Object>> nodes = (Map<String, Map<String, Object>>) health.getDetails().get("nodes");
			assertThat(nodes).hasSize(6)
				.allSatisfy((node, details) -> assertThat(details).containsOnlyKeys("infoRefused"));
		});
	}

}

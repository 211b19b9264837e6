package dev.redisboot.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.test.ClusterRedis;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

import static dev.redisboot.actuate.ObservabilityTestSupport.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static org.awaitility.Awaitility.await;

/**
 * Health, server metrics and the {@code redis} endpoint on Redis Cluster: every node is
 * read on its own, and failing slots are {@code DOWN}.
 */
@WithRedis(RedisTopology.CLUSTER)
class RedisObservabilityClusterIntegrationTests {

	@Test
	void healthShowsTheClusterAndEveryNode(ClusterRedis redis) {
		runner(redis).run((context) -> {
			Health health = context.getBean(RedisServerHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("mode", "cluster")
				.containsEntry("cluster_state", "ok")
				.containsEntry("slots_up", 16384L)
				.containsEntry("slots_fail", 0L)
				.containsEntry("cluster_size", 3L)
				.containsEntry("version", redis.primaries().get(0).info("server").get("redis_version"));
			@SuppressWarnings("unchecked")
			Map<String, Map<String, Object>> nodes = (Map<String, Map<String, Object>>) health.getDetails().get("nodes");
			assertThat(nodes).containsOnlyKeys(redis.nodes().stream().map(RedisObservabilityClusterIntegrationTests::name).toList());
			for (RedisNode primary : redis.primaries()) {
				assertThat(nodes.get(name(primary))).containsEntry("role", "master").containsEntry("connectedReplicas", 1L);
			}
			for (RedisNode replica : redis.replicas()) {
				assertThat(nodes.get(name(replica))).containsEntry("role", "slave").containsEntry("masterLinkStatus", "up");
			}
			assertThat(nodes.values()).allSatisfy((node) -> assertThat((Long) node.get("usedMemory")).isPositive());
		});
	}

	@Test
	void serverMetricsHaveOneSeriesPerNode(ClusterRedis redis) {
		runner(redis).withPropertyValues("redisboot.observability.server-metrics.enabled=true").run((context) -> {
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			RedisServerMetrics metrics = context.getBean(RedisServerMetrics.class);
			metrics.bindTo(registry);
			metrics.refresh();
			assertThat(registry.find("redis.up").gauges()).extracting((gauge) -> gauge.getId().getTag("node"))
				.containsExactlyInAnyOrderElementsOf(redis.nodes().stream().map(RedisObservabilityClusterIntegrationTests::name).toList());
			assertThat(registry.find("redis.up").gauges()).allSatisfy((gauge) -> assertThat(gauge.value()).isEqualTo(1));
			for (RedisNode replica : redis.replicas()) {
				assertThat(registry.get("redis.master.link.up").tag("node", name(replica)).gauge().value()).isEqualTo(1);
			}
			for (RedisNode primary : redis.primaries()) {
				Gauge lag = registry.get("redis.connected.slave.lag").tag("node", name(primary)).gauge();
				assertThat(lag.getId().getTag("replica")).isNotBlank();
				assertThat(lag.value()).isGreaterThanOrEqualTo(0);
				assertThat(registry.get("redis.memory.used").tag("node", name(primary)).gauge().value()).isPositive();
			}
			// the replication meters under the names docs/operations uses (a standalone server has none)
			PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
			metrics.bindTo(prometheus);
			metrics.refresh();
			String node = "node=\"" + name(redis.replicas().get(0)) + "\"";
			assertThat(prometheus.scrape())
				.containsPattern("(?m)^redis_master_link_up\\{" + node + "\\} 1\\.0$")
				.containsPattern("(?m)^redis_connected_slave_lag_seconds\\{node=\"[^\"]+\",replica=\"[^\"]+\"\\} \\S+$");
		});
	}

	@Test
	void bigKeysAndSlowlogCoverEveryPrimary(ClusterRedis redis) {
		List<String> keys = List.of("big:{a}", "big:{b}", "big:{c}", "big:{d}");
		for (String key : keys) {
			redis.primaryFor(key).execute("SET", key, "x".repeat(200_000));
		}
		redis.primaries().forEach((primary) -> primary.execute("CONFIG", "SET", "slowlog-log-slower-than", "0"));
		try {
			runner(redis).withPropertyValues("management.endpoints.web.exposure.include=redis").run((context) -> {
				RedisEndpoint endpoint = context.getBean(RedisEndpoint.class);
				BigKeys bigKeys = (BigKeys) endpoint.section("big-keys", 4, "big:*");
				assertThat(bigKeys.complete()).isTrue();
				// key names other than redisboot's are shown as their first segment and a digest
				assertThat(bigKeys.keys()).hasSize(4)
					.allSatisfy((key) -> assertThat(key.key()).startsWith("big:#").doesNotContain("{"));
				assertThat(bigKeys.keys()).extracting(BigKeys.Key::key).doesNotHaveDuplicates();
				assertThat(bigKeys.keys()).extracting(BigKeys.Key::node)
					.containsExactlyInAnyOrderElementsOf(keys.stream().map((key) -> name(redis.primaryFor(key))).toList());
				RedisServerInspector.Slowlog slowlog = (RedisServerInspector.Slowlog) endpoint.section("slowlog", 128,
						null);
				assertThat(slowlog.unreadable()).isEmpty();
				assertThat(slowlog.entries()).extracting(SlowlogEntry::node)
					.containsAll(redis.primaries().stream().map(RedisObservabilityClusterIntegrationTests::name).toList());
				assertThat(endpoint.overview().get("nodes")).asInstanceOf(MAP).hasSize(6);
			});
		}
		finally {
			redis.primaries().forEach((primary) -> {
				primary.execute("CONFIG", "SET", "slowlog-log-slower-than", "10000");
				primary.execute("SLOWLOG", "RESET");
			});
			keys.forEach((key) -> redis.primaryFor(key).execute("DEL", key));
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void eachCacheIsSampledOnEveryPrimary(ClusterRedis redis) {
		String prefix = "cs-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		runner(redis).withConfiguration(AutoConfigurations.of(RedisbootCacheAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("management.endpoints.web.exposure.include=redis", "redisboot.key-prefix=" + prefix,
					"redisboot.cache.caches.products.ttl=1m")
			.run((context) -> {
				Cache products = context.getBean(CacheManager.class).getCache("products");
				for (int i = 0; i < 40; i++) {
					products.put(String.valueOf(i), "chair " + i);
				}
				// the entries are spread over the primaries: every one holds some
				assertThat(redis.primaries()).allSatisfy((primary) -> assertThat(
						(List<?>) primary.execute("KEYS", prefix + ":cache:products:*")).isNotEmpty());
				Map<String, Object> sample = (Map<String, Object>) ((List<Map<String, Object>>) context
					.getBean(RedisEndpoint.class)
					.section("caches", null, null)).get(0).get("sample");
				assertThat(sample).containsEntry("entries", 40L)
					.containsEntry("complete", true)
					.containsEntry("measured", 40L);
				products.clear();
			});
	}

	@Test
	void failingSlotsAreDown() {
		try (ClusterRedis own = ClusterRedis.start()) {
			runner(own)
				.withPropertyValues("redisboot.observability.health.cache-time-to-live=0",
						"redisboot.observability.timeout=1s", "spring.data.redis.timeout=1s",
						"spring.data.redis.connect-timeout=1s")
				.run((context) -> {
					RedisServerHealthIndicator indicator = context.getBean(RedisServerHealthIndicator.class);
					assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
					// a shard without any node left: its slots fail, the cluster cannot serve them
					own.replicas().get(0).kill();
					own.primaries().get(0).kill();
					await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
						Health health = indicator.health();
						assertThat(health.getStatus()).isEqualTo(Status.DOWN);
						assertThat(health.getDetails()).containsEntry("cluster_state", "fail");
						assertThat(health.getDetails().get("nodes")).asInstanceOf(MAP)
							.extractingByKey(name(own.primaries().get(0)))
							.asInstanceOf(MAP)
							.containsKey("error");
					});
				});
		}
	}

	private static String name(RedisNode node) {
		return node.host() + ":" + node.port();
	}

}

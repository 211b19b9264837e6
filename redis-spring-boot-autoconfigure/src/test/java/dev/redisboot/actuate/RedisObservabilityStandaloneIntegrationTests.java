package dev.redisboot.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.redisboot.actuate.ObservabilityTestSupport.calls;
import static dev.redisboot.actuate.ObservabilityTestSupport.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Health, server metrics, command latency and the {@code redis} endpoint on a standalone
 * server of the class's own.
 */
@WithRedis(isolated = true)
class RedisObservabilityStandaloneIntegrationTests {

	private StandaloneRedis redis;

	@AfterEach
	void resetServer() {
		if (this.redis != null) {
			this.redis.node().execute("CONFIG", "SET", "maxmemory", "0");
			this.redis.node().execute("CONFIG", "SET", "slowlog-log-slower-than", "10000");
			this.redis.node().execute("SLOWLOG", "RESET");
			this.redis.flushAll();
		}
	}

	@Test
	void healthReplacesBootsAndShowsTheServersDetails(StandaloneRedis redis) {
		this.redis = redis;
		runner(redis).run((context) -> {
			assertThat(context).getBean("redisHealthContributor", HealthContributor.class)
				.isInstanceOf(RedisServerHealthIndicator.class);
			Health health = context.getBean(RedisServerHealthIndicator.class).health();
			Map<String, String> server = redis.node().info("server");
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("mode", "standalone")
				.containsEntry("version", server.get("redis_version"))
				.containsEntry("role", "master")
				.containsEntry("maxMemory", 0L)
				.containsEntry("maxmemoryPolicy", "noeviction")
				.containsEntry("connectedReplicas", 0L)
				.doesNotContainKeys("memoryUsage", "warnings");
			assertThat((Long) health.getDetails().get("usedMemory")).isPositive();
			assertThat((Long) health.getDetails().get("connectedClients")).isPositive();
			assertThat(Duration.parse((String) health.getDetails().get("uptime")).isNegative()).isFalse();
		});
	}

	@Test
	void memoryJustAboveTheThresholdIsAWarning(StandaloneRedis redis) {
		this.redis = redis;
		runner(redis).withPropertyValues("redisboot.observability.health.cache-time-to-live=0").run((context) -> {
			RedisServerHealthIndicator indicator = context.getBean(RedisServerHealthIndicator.class);
			long used = Long.parseLong(redis.node().info("memory").get("used_memory"));
			// just above current use: about 97% used, over the 90% threshold, with room left for writes
			redis.node().execute("CONFIG", "SET", "maxmemory", String.valueOf(used * 103 / 100));
			Health health = indicator.health();
			assertThat(health.getStatus()).isEqualTo(RedisServerHealthIndicator.WARNING);
			assertThat((String) health.getDetails().get("memoryUsage")).endsWith("%");
			assertThat(health.getDetails().get("warnings")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
				.singleElement()
				.asString()
				.contains("of maxmemory (warning above 90%)");
			redis.node().execute("CONFIG", "SET", "maxmemory", String.valueOf(used * 10));
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void theThresholdIsConfigurable(StandaloneRedis redis) {
		this.redis = redis;
		runner(redis)
			.withPropertyValues("redisboot.observability.health.cache-time-to-live=0",
					"redisboot.observability.health.memory-warning-threshold=20")
			.run((context) -> {
				long used = Long.parseLong(redis.node().info("memory").get("used_memory"));
				redis.node().execute("CONFIG", "SET", "maxmemory", String.valueOf(used * 4));
				assertThat(context.getBean(RedisServerHealthIndicator.class).health().getStatus())
					.isEqualTo(RedisServerHealthIndicator.WARNING);
			});
	}

	@Test
	void healthChecksWithinTheCacheTimeShareOneInfo(StandaloneRedis redis) {
		this.redis = redis;
		runner(redis).withPropertyValues("redisboot.observability.health.cache-time-to-live=1h").run((context) -> {
			RedisServerHealthIndicator indicator = context.getBean(RedisServerHealthIndicator.class);
			long before = calls(redis.node(), "info");
			for (int i = 0; i < 5; i++) {
				assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			}
			// the health checks' one INFO, plus the INFO commandstats that read 'before'
			assertThat(calls(redis.node(), "info") - before).isEqualTo(2);
		});
	}

	@Test
	void healthIsDownWithTheErrorWhenRedisIsUnreachable() {
		try (StandaloneRedis own = StandaloneRedis.start()) {
			runner(own)
				.withPropertyValues("redisboot.observability.health.cache-time-to-live=0",
						"redisboot.observability.timeout=500ms", "spring.data.redis.timeout=500ms",
						"spring.data.redis.connect-timeout=500ms")
				.run((context) -> {
					RedisServerHealthIndicator indicator = context.getBean(RedisServerHealthIndicator.class);
					assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
					own.node().kill();
					Health health = indicator.health();
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails()).containsEntry("mode", "standalone").containsKey("error");
				});
		}
	}

	@Test
	void serverMetricsCarryRedisExporterNamesInPrometheus(StandaloneRedis redis) {
		this.redis = redis;
		runner(redis).withPropertyValues("redisboot.observability.server-metrics.enabled=true").run((context) -> {
			redis.node().execute("SET", "metrics:a", "1");
			redis.node().execute("GET", "metrics:a");
			redis.node().execute("GET", "metrics:missing");
			PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
			RedisServerMetrics metrics = context.getBean(RedisServerMetrics.class);
			metrics.bindTo(registry);
			metrics.refresh();
			String scrape = registry.scrape();
			String node = "node=\"" + redis.host() + ":" + redis.port() + "\"";
			for (String name : List.of("redis_up", "redis_uptime_seconds", "redis_memory_used_bytes",
					"redis_memory_max_bytes", "redis_memory_used_rss_bytes", "redis_mem_fragmentation_ratio",
					"redis_evicted_keys_total", "redis_expired_keys_total", "redis_keyspace_hits_total",
					"redis_keyspace_misses_total", "redis_connected_clients", "redis_blocked_clients",
					"redis_commands_processed_total", "redis_connected_slaves", "redis_master_repl_offset")) {
				assertThat(scrape).as(name).containsPattern("(?m)^" + name + "\\{" + node + "\\} \\S+$");
			}
			assertThat(scrape).containsPattern("(?m)^redis_up\\{" + node + "\\} 1\\.0$")
				.containsPattern("(?m)^redis_db_keys\\{db=\"db0\"," + node + "\\} 1\\.0$")
				.containsPattern("(?m)^redis_memory_max_bytes\\{" + node + "\\} 0\\.0$");
			assertThat(registry.get("redis.keyspace.hits").functionCounter().count()).isGreaterThanOrEqualTo(1);
			assertThat(registry.get("redis.keyspace.misses").functionCounter().count()).isGreaterThanOrEqualTo(1);
		});
	}

	@Test
	void serverMetricsReadInfoOncePerIntervalNotPerScrape(StandaloneRedis redis) {
		this.redis = redis;
		runner(redis)
			.withPropertyValues("redisboot.observability.server-metrics.enabled=true",
					"redisboot.observability.server-metrics.interval=1h")
			.run((context) -> {
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				RedisServerMetrics metrics = context.getBean(RedisServerMetrics.class);
				metrics.bindTo(registry);
				metrics.refresh();
				long before = calls(redis.node(), "info");
				for (int i = 0; i < 5; i++) {
					assertThat(registry.get("redis.memory.used").gauge().value()).isPositive();
				}
				metrics.refresh();
				// reading the gauges asks Redis nothing; a second refresh within the interval reuses the reading
				assertThat(calls(redis.node(), "info") - before).isEqualTo(1);
			});
	}

	@Test
	void serverMetricsAreBoundThroughBootsMetricsWithTheNodeDown() {
		try (StandaloneRedis own = StandaloneRedis.start()) {
			runner(own)
				.withPropertyValues("redisboot.observability.server-metrics.enabled=true",
						"redisboot.observability.server-metrics.interval=2ms", "redisboot.observability.timeout=500ms",
						"spring.data.redis.timeout=500ms")
				.run((context) -> {
					SimpleMeterRegistry registry = new SimpleMeterRegistry();
					RedisServerMetrics metrics = context.getBean(RedisServerMetrics.class);
					metrics.bindTo(registry);
					metrics.refresh();
					double commands = registry.get("redis.commands.processed").functionCounter().count();
					assertThat(registry.get("redis.up").gauge().value()).isEqualTo(1);
					own.node().kill();
					metrics.refresh();
					assertThat(registry.get("redis.up").gauge().value()).isZero();
					assertThat(registry.get("redis.memory.used").gauge().value()).isNaN();
					// a counter never drops because a read failed
					assertThat(registry.get("redis.commands.processed").functionCounter().count()).isEqualTo(commands);
				});
		}
	}

	@Test
	void commandLatencyTimersAreOptInAndTaggedByCommandOnly(StandaloneRedis redis) {
		this.redis = redis;
		runner(redis).withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			context.getBean(StringRedisTemplate.class).opsForValue().get("latency:off");
			assertThat(context.getBean(MeterRegistry.class).find("redis.client.commands").meters()).isEmpty();
		});
		runner(redis).withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("redisboot.observability.command-latency.enabled=true")
			.run((context) -> {
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				template.opsForValue().set("latency:on", "1");
				template.opsForValue().get("latency:on");
				template.opsForValue().get("latency:on");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				Timer gets = registry.get("redis.client.commands").tag("command", "GET").timer();
				assertThat(gets.count()).isEqualTo(2);
				assertThat(gets.getId().getTags()).hasSize(1);
				assertThat(registry.get("redis.client.commands").tag("command", "SET").timer().count()).isEqualTo(1);
			});
	}

	@Test
	void theEndpointIsNotAvailableUnlessExposed(StandaloneRedis redis) {
		this.redis = redis;
		runner(redis).run((context) -> assertThat(context).doesNotHaveBean(RedisEndpoint.class));
		runner(redis).withPropertyValues("management.endpoints.web.exposure.include=redis")
			.run((context) -> assertThat(context).hasSingleBean(RedisEndpoint.class));
		runner(redis)
			.withPropertyValues("management.endpoints.web.exposure.include=redis", "management.endpoint.redis.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(RedisEndpoint.class));
	}

	@Test
	void theOverviewShowsNodesUsageAdviceAndCaches(StandaloneRedis redis) {
		this.redis = redis;
		endpointRunner(redis).run((context) -> {
			CacheManager cacheManager = context.getBean(CacheManager.class);
			Cache products = cacheManager.getCache("products");
			products.put("1", "chair");
			products.get("1");
			products.get("2");
			Map<String, Object> overview = context.getBean(RedisEndpoint.class).overview();
			assertThat(overview).containsEntry("mode", "standalone");
			assertThat(overview.get("nodes")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsOnlyKeys(redis.host() + ":" + redis.port());
			assertThat(overview.get("usage")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
				.contains("caches");
			assertThat(overview.get("advice")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
				.extracting("rule")
				.contains("maxmemory-unset");
			assertThat(overview.get("caches")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
				.singleElement()
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsEntry("name", "products")
				.containsEntry("timeToLive", "PT1M")
				.containsEntry("hits", 1L)
				.containsEntry("misses", 1L)
				.containsEntry("hitRatio", 0.5)
				.containsEntry("puts", 1L);
		});
	}

	@Test
	void theWriteOperationClearsOneCacheInRedis(StandaloneRedis redis) {
		this.redis = redis;
		endpointRunner(redis).run((context) -> {
			Cache products = context.getBean(CacheManager.class).getCache("products");
			products.put("1", "chair");
			products.put("2", "table");
			assertThat(redis.node().execute("DBSIZE")).isEqualTo(2L);
			RedisEndpoint endpoint = context.getBean(RedisEndpoint.class);
			assertThat(endpoint.clearCache("caches", "products")).containsEntry("cleared", true);
			assertThat(products.get("1")).isNull();
			assertThat(redis.node().execute("DBSIZE")).isEqualTo(0L);
			assertThat(endpoint.clearCache("caches", "unknown")).isNull();
			assertThat(endpoint.clearCache("other", "products")).isNull();
		});
	}

	@Test
	void theSlowlogShowsCommandAndKeyButNoValues(StandaloneRedis redis) {
		this.redis = redis;
		redis.node().execute("CONFIG", "SET", "slowlog-log-slower-than", "0");
		redis.node().execute("SET", "slow:key", "a-secret-value");
		endpointRunner(redis).run((context) -> {
			RedisServerInspector.Slowlog slowlog = (RedisServerInspector.Slowlog) context.getBean(RedisEndpoint.class)
				.section("slowlog", 100, null);
			List<SlowlogEntry> entries = slowlog.entries();
			SlowlogEntry set = entries.stream().filter((e) -> e.command().equals("SET")).findFirst().orElseThrow();
			// a key outside redisboot's families: its first segment and a digest
			assertThat(set.firstArgument()).startsWith("slow:#").doesNotContain("key");
			assertThat(set.arguments()).isEqualTo(2);
			assertThat(set.node()).isEqualTo(redis.host() + ":" + redis.port());
			assertThat(entries.toString()).doesNotContain("a-secret-value");
		});
	}

	@Test
	void bigKeysAreTheLargestKeysWithTheirTypes(StandaloneRedis redis) {
		this.redis = redis;
		for (int i = 0; i < 200; i++) {
			redis.node().execute("SET", "small:" + i, "x");
		}
		redis.node().execute("SET", "big:string", "x".repeat(1_000_000));
		String[] hash = new String[2 + 2 * 2000];
		hash[0] = "HSET";
		hash[1] = "big:hash";
		for (int i = 0; i < 2000; i++) {
			hash[2 + 2 * i] = "field-" + i;
			hash[3 + 2 * i] = "value-" + i;
		}
		redis.node().execute(hash);
		endpointRunner(redis).run((context) -> {
			RedisEndpoint endpoint = context.getBean(RedisEndpoint.class);
			BigKeys bigKeys = (BigKeys) endpoint.section("big-keys", 2, null);
			assertThat(bigKeys.complete()).isTrue();
			assertThat(bigKeys.scanned()).isEqualTo(202);
			assertThat(bigKeys.keys()).extracting(BigKeys.Key::key)
				.allSatisfy((key) -> assertThat(key).startsWith("big:#").doesNotContain("string", "hash"));
			assertThat(bigKeys.keys()).extracting(BigKeys.Key::type).containsExactly("string", "hash");
			assertThat(bigKeys.keys().get(1).bytes()).isGreaterThan(10_000);
			BigKeys matching = (BigKeys) endpoint.section("big-keys", 5, "small:*");
			assertThat(matching.keys()).hasSize(5).allSatisfy((key) -> assertThat(key.key()).startsWith("small:#"));
			// a pattern must not test what the redaction hides (400 over HTTP)
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.section("big-keys", 5, "small:1*"));
		});
		endpointRunner(redis).withPropertyValues("redisboot.observability.big-keys.max-keys=50").run((context) -> {
			BigKeys bigKeys = (BigKeys) context.getBean(RedisEndpoint.class).section("big-keys", null, null);
			assertThat(bigKeys.complete()).isFalse();
			assertThat(bigKeys.scanned()).isLessThan(202);
		});
	}

	@Test
	void memoryDoctorAndUnknownSections(StandaloneRedis redis) {
		this.redis = redis;
		endpointRunner(redis).run((context) -> {
			RedisEndpoint endpoint = context.getBean(RedisEndpoint.class);
			assertThat(endpoint.section("memory", null, null)).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
				.containsOnlyKeys(redis.host() + ":" + redis.port())
				.extractingByKey(redis.host() + ":" + redis.port())
				.asString()
				.isNotBlank()
				.doesNotStartWith("error");
			assertThat(endpoint.section("nothing", null, null)).isNull();
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void eachCacheIsSampledForItsEntriesAndSizeOncePerRefreshIntervalWithAdvice(StandaloneRedis redis) {
		this.redis = redis;
		endpointRunner(redis).withPropertyValues("redisboot.cache.caches.products.compression.enabled=false")
			.run((context) -> {
				Cache products = context.getBean(CacheManager.class).getCache("products");
				for (int i = 0; i < 30; i++) {
					products.put(String.valueOf(i), "x".repeat(2000));
				}
				// a key of another type under the cache's pattern: counted, measured, never a failure
				redis.node().execute("HSET", "cache:products:garbage", "field", "value");
				// another application's key, and another cache's pattern: not counted
				redis.node().execute("SET", "cache:productsold:1", "y");
				RedisEndpoint endpoint = context.getBean(RedisEndpoint.class);
				Map<String, Object> cache = ((List<Map<String, Object>>) endpoint.section("caches", null, null)).get(0);
				Map<String, Object> sample = (Map<String, Object>) cache.get("sample");
				assertThat(sample).containsEntry("server", "default")
					.containsEntry("entries", 31L)
					.containsEntry("complete", true)
					.containsEntry("entriesText", "31")
					.containsEntry("measured", 31L)
					.containsKey("readAt");
				assertThat((Long) sample.get("meanValueBytes")).isGreaterThan(1024);
				assertThat((Long) sample.get("meanEntryBytes")).isGreaterThan((Long) sample.get("meanValueBytes"));
				assertThat((Long) sample.get("estimatedBytes")).isGreaterThan(31L * 1900);
				assertThat(cache).containsEntry("compressed", false);
				assertThat((List<Map<String, String>>) cache.get("advice")).extracting((advice) -> advice.get("rule"))
					.containsExactly("compress-values");
				// read again within the refresh interval (1m): the same sample, no SCAN
				long scans = ObservabilityTestSupport.calls(redis.node(), "scan");
				endpoint.overview();
				Map<String, Object> again = ((List<Map<String, Object>>) endpoint.section("caches", null, null)).get(0);
				assertThat(again.get("sample")).isEqualTo(sample);
				assertThat(ObservabilityTestSupport.calls(redis.node(), "scan")).isEqualTo(scans);
			});
	}

	@Test
	@SuppressWarnings("unchecked")
	void aCacheSamplingStoppedByItsLimitsSaysItIsALowerBound(StandaloneRedis redis) {
		this.redis = redis;
		endpointRunner(redis).withPropertyValues("redisboot.observability.cache-sampling.max-keys=10",
				"redisboot.observability.cache-sampling.memory-samples=3")
			.run((context) -> {
				Cache products = context.getBean(CacheManager.class).getCache("products");
				for (int i = 0; i < 25; i++) {
					products.put(String.valueOf(i), "chair " + i);
				}
				Map<String, Object> sample = (Map<String, Object>) ((List<Map<String, Object>>) context
					.getBean(RedisEndpoint.class)
					.section("caches", null, null)).get(0).get("sample");
				assertThat(sample).containsEntry("entries", 10L)
					.containsEntry("complete", false)
					.containsEntry("entriesText", "≥ 10 (scan stopped at budget)")
					.containsEntry("measured", 3L);
			});
	}

	@Test
	void cacheSamplingCanBeSwitchedOffAndAWrongSettingFailsStartupNamingIt(StandaloneRedis redis) {
		this.redis = redis;
		endpointRunner(redis).withPropertyValues("redisboot.observability.cache-sampling.enabled=false")
			.run((context) -> {
				context.getBean(CacheManager.class).getCache("products").put("1", "chair");
				assertThat(((List<?>) context.getBean(RedisEndpoint.class).section("caches", null, null)))
					.singleElement()
					.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
					.doesNotContainKey("sample");
			});
		endpointRunner(redis).withPropertyValues("redisboot.observability.cache-sampling.time-budget=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("redisboot.observability.cache-sampling.time-budget"));
	}

	private org.springframework.boot.test.context.runner.ApplicationContextRunner endpointRunner(StandaloneRedis redis) {
		return runner(redis)
			.withConfiguration(AutoConfigurations.of(RedisbootCacheAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("management.endpoints.web.exposure.include=redis", "redisboot.cache.caches.products.ttl=1m");
	}

}

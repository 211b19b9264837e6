package dev.redisboot.actuate;

import java.util.List;

import dev.redisboot.actuate.RedisAdvice.Severity;
import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cache.CacheManager;

import static dev.redisboot.actuate.ObservabilityTestSupport.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;

/**
 * Monitoring with the least-privilege user managed Redis services give
 * ({@code +@all -@dangerous}: no {@code INFO}, {@code SLOWLOG}, {@code CONFIG}): health stays
 * {@code UP} and says what was refused, the metrics say {@code INFO} cannot be read instead of
 * {@code redis_up 0}, and advice and slow log name what they could not check and why.
 */
@WithRedis(RedisTopology.ACL)
class RedisObservabilityAclIntegrationTests {

	@Test
	void healthIsUpWhenPingWorksAndNamesTheRefusedCommand(StandaloneRedis redis) {
		runner(redis).withPropertyValues("redisboot.observability.health.cache-time-to-live=0").run((context) -> {
			Health health = context.getBean(RedisServerHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("mode", "standalone")
				.doesNotContainKeys("error", "version", "warnings");
			assertThat((String) health.getDetails().get("infoRefused")).startsWith("NOPERM").contains("'info'");
		});
	}

	@Test
	void serverMetricsSayInfoCannotBeReadWithAGaugeOfTheirOwn(StandaloneRedis redis) {
		runner(redis).withPropertyValues("redisboot.observability.server-metrics.enabled=true").run((context) -> {
			PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
			RedisServerMetrics metrics = context.getBean(RedisServerMetrics.class);
			metrics.bindTo(registry);
			metrics.refresh();
			String node = "node=\"" + redis.host() + ":" + redis.clientPort() + "\"";
			assertThat(registry.scrape()).containsPattern("(?m)^redis_up\\{" + node + "\\} 1\\.0$")
				.containsPattern("(?m)^redis_info_readable\\{" + node + "\\} 0\\.0$")
				.containsPattern("(?m)^redis_memory_used_bytes\\{" + node + "\\} NaN$");
		});
	}

	@Test
	void adviceAndSlowlogSayWhatCouldNotBeCheckedAndWhy(StandaloneRedis redis) {
		runner(redis).withConfiguration(AutoConfigurations.of(RedisbootCacheAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("management.endpoints.web.exposure.include=redis", "redisboot.cache.caches.products.ttl=1m")
			.run((context) -> {
				context.getBean(CacheManager.class).getCache("products").put("1", "chair");
				RedisEndpoint endpoint = context.getBean(RedisEndpoint.class);
				@SuppressWarnings("unchecked")
				List<RedisAdvice> advice = (List<RedisAdvice>) endpoint.section("advice", null, null);
				assertThat(advice).extracting(RedisAdvice::rule)
					.containsExactlyInAnyOrder("maxmemory-unset", "keys-in-slowlog");
				assertThat(advice).allSatisfy((found) -> {
					assertThat(found.severity()).isEqualTo(Severity.UNCHECKED);
					assertThat(found.message()).startsWith("Could not check").contains("NOPERM", "ACL user");
				});
				assertThat(advice).filteredOn((found) -> found.rule().equals("maxmemory-unset"))
					.singleElement()
					.satisfies((found) -> assertThat(found.message()).contains("INFO failed", "caches"));
				RedisServerInspector.Slowlog slowlog = (RedisServerInspector.Slowlog) endpoint.section("slowlog", 10,
						null);
				assertThat(slowlog.entries()).isEmpty();
				assertThat(slowlog.unreadable()).containsOnlyKeys(redis.host() + ":" + redis.clientPort())
					.allSatisfy((node, reason) -> assertThat(reason).startsWith("NOPERM").contains("slowlog"));
				assertThat(endpoint.overview().get("nodes")).asInstanceOf(MAP)
					.extractingByKey(redis.host() + ":" + redis.clientPort())
					.asInstanceOf(MAP)
					.containsOnlyKeys("infoRefused");
				// MEMORY and SCAN are not @dangerous: big keys still work, with redacted names
				BigKeys bigKeys = (BigKeys) endpoint.section("big-keys", 5, "cache:products:*");
				assertThat(bigKeys.keys()).isNotEmpty()
					.allSatisfy((key) -> assertThat(key.key()).startsWith("cache:products"));
			});
	}

}

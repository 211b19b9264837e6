package dev.redisboot.cache;

import java.time.Duration;

import dev.redisboot.audit.autoconfigure.RedisbootAuditAutoConfiguration;
import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis stops under an audited cache: the cache keeps answering (its loader's values), and
 * the audit records that cannot be written are dropped and counted, never an exception for
 * the caller.
 */
@WithRedis(isolated = true)
class CacheAuditOutageIntegrationTests {

	@Test
	void redisDownTheCacheStillWorksAndLostRecordsAreCounted(StandaloneRedis redis) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
					RedisbootCacheAutoConfiguration.class, RedisbootAuditAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, redis::connectionDetails)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("redisboot.key-prefix=audit-outage", "redisboot.cache.caches.patients.audit=true",
					"redisboot.cache.timeout=300ms", "redisboot.audit.timeout=300ms")
			.run((context) -> {
				Cache patients = context.getBean(CacheManager.class).getCache("patients");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(patients.get("p-1", () -> "before")).isEqualTo("before");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> registry.find("redisboot.audit.events").tag("action", "cache:load").counter() != null);
				for (RedisNode node : redis.nodes()) {
					node.kill();
				}
				for (int i = 0; i < 20; i++) {
					int n = i;
					assertThat(patients.get("p-down-" + i, () -> "loaded-" + n)).isEqualTo("loaded-" + n);
				}
				assertThat(registry.get("cache.audit.records").tag("cache", "patients").tag("outcome", "queued")
					.counter()
					.count()).isEqualTo(21);
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(() -> assertThat(registry.find("redisboot.audit.dropped")
						.counters()
						.stream()
						.mapToDouble(Counter::count)
						.sum()).isEqualTo(20));
				assertThat(registry.get("redisboot.audit.dropped").tag("reason", "unavailable").counter().count())
					.isPositive();
			});
	}

}

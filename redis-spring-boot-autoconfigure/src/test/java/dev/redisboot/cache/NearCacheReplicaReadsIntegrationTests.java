package dev.redisboot.cache;

import java.time.Duration;
import java.util.Arrays;

import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.SentinelRedis;
import dev.redisboot.test.WithRedis;
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
 * Near caches with {@code spring.data.redis.lettuce.read-from=replicaPreferred} on a real
 * Sentinel deployment whose replica is made to lag (detached with {@code REPLICAOF NO ONE}, so
 * it keeps serving the old value): a near cache refills from the primary after an
 * invalidation and takes the new value, while a cache without a near cache reads the
 * replica (and so sees the old value, which proves the reads really go to the replica).
 */
@WithRedis(value = RedisTopology.SENTINEL, isolated = true)
class NearCacheReplicaReadsIntegrationTests {

	private static final String PREFIX = "replicareads";

	private ApplicationContextRunner runner(SentinelRedis redis) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
					RedisbootCacheAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, redis::connectionDetails)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("redisboot.key-prefix=" + PREFIX, "spring.data.redis.lettuce.read-from=replicaPreferred",
					"redisboot.cache.cache-names=prices,plain", "redisboot.cache.caches.prices.near-cache.enabled=true",
					"redisboot.cache.caches.prices.near-cache.ttl=10m");
	}

	@Test
	void nearCacheRefillsFromThePrimaryWhileTheReplicaLags(SentinelRedis redis) {
		ApplicationContextRunner runner = runner(redis);
		runner.run((a) -> runner.run((b) -> {
			NearCacheInvalidation channelA = a.getBean(NearCacheInvalidation.class);
			NearCacheInvalidation channelB = b.getBean(NearCacheInvalidation.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> channelA.isSubscribed() && channelB.isSubscribed());
			Cache pricesA = a.getBean(CacheManager.class).getCache("prices");
			Cache pricesB = b.getBean(CacheManager.class).getCache("prices");
			Cache plainA = a.getBean(CacheManager.class).getCache("plain");
			Cache plainB = b.getBean(CacheManager.class).getCache("plain");
			RedisNode primary = redis.primary();
			RedisNode replica = redis.replica();
			String nearKey = PREFIX + ":cache:prices:1";
			String plainKey = PREFIX + ":cache:plain:1";

			pricesA.put(1, "old");
			plainA.put(1, "old");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> replica.execute("GET", nearKey) != null && replica.execute("GET", plainKey) != null);
			assertThat(pricesB.get(1, String.class)).isEqualTo("old"); // now in B's near cache
			assertThat(plainB.get(1, String.class)).isEqualTo("old");

			replica.execute("REPLICAOF", "NO", "ONE"); // the replica keeps the old values and serves them
			try {
				pricesA.put(1, "new");
				plainA.put(1, "new");
				assertThat(bytes(replica.execute("GET", nearKey))).as("the replica lags")
					.isNotEqualTo(bytes(primary.execute("GET", nearKey)));
				// B drops its copy on A's invalidation and refills from the primary, never from the replica
				await().atMost(Duration.ofSeconds(10)).until(() -> "new".equals(pricesB.get(1, String.class)));
				for (int i = 0; i < 20; i++) {
					assertThat(pricesB.get(1, String.class)).isEqualTo("new");
				}
				// without a near cache B reads the replica: the reads did go there
				assertThat(plainB.get(1, String.class)).isEqualTo("old");
			}
			finally {
				replica.execute("REPLICAOF", primary.host(), String.valueOf(primary.port()));
			}
		}));
	}

	private static byte[] bytes(Object reply) {
		return (reply instanceof byte[] raw) ? raw : String.valueOf(reply).getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

}

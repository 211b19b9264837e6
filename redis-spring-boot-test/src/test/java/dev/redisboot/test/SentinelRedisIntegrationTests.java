package dev.redisboot.test;

import java.io.UncheckedIOException;
import java.time.Duration;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithRedis(value = RedisTopology.SENTINEL, isolated = true)
class SentinelRedisIntegrationTests {

	private ApplicationContextRunner runner(SentinelRedis redis) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, redis::connectionDetails)
			.withPropertyValues("spring.data.redis.timeout=2s");
	}

	@Test
	void everySentinelReportsThePrimary(SentinelRedis redis) {
		assertThat(redis.sentinels()).hasSize(3);
		for (RedisNode sentinel : redis.sentinels()) {
			assertThat(sentinel.execute("SENTINEL", "GET-MASTER-ADDR-BY-NAME", SentinelRedis.MASTER_NAME)).asList()
				.containsExactly("127.0.0.1", Integer.toString(redis.primary().port()));
		}
		assertThat(redis.currentPrimary()).isSameAs(redis.primary());
		assertThat(redis.replica().info("replication")).containsEntry("role", "slave")
			.containsEntry("master_link_status", "up");
	}

	@Test
	void bootConnectsThroughTheSentinelsAndWritesReachTheReplica(SentinelRedis redis) {
		runner(redis).run((context) -> {
			assertThat(context.getBean(RedisConnectionFactory.class).getSentinelConnection()).isNotNull();
			context.getBean(StringRedisTemplate.class).opsForValue().set("harness:sentinel", "via-sentinel");
			assertThat(redis.primary().execute("GET", "harness:sentinel")).isEqualTo("via-sentinel");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(redis.replica().execute("GET", "harness:sentinel")).isEqualTo("via-sentinel"));
		});
	}

	@Test
	@Order(Integer.MAX_VALUE) // changes which node is primary: runs last
	void killingThePrimaryFailsOverToTheReplica(SentinelRedis redis) {
		RedisNode before = redis.currentPrimary();
		RedisNode other = (before == redis.primary()) ? redis.replica() : redis.primary();
		before.kill();
		await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> assertThat(redis.currentPrimary()).isSameAs(other));
		runner(redis).run((context) -> {
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
				template.opsForValue().set("harness:after-failover", "ok");
				assertThat(other.execute("GET", "harness:after-failover")).isEqualTo("ok");
			});
		});
		before.start();
		redis.awaitSentinelsConverged();
		// Sentinel reconfigures the returning node with REPLICAOF, CONFIG REWRITE and CLIENT KILL TYPE normal,
		// which can cut this poll's connection mid-reply: a dropped poll is retried, a wrong role still fails.
		await().atMost(Duration.ofSeconds(30))
			.ignoreException(UncheckedIOException.class)
			.untilAsserted(() -> assertThat(before.info("replication")).containsEntry("role", "slave"));
	}

}

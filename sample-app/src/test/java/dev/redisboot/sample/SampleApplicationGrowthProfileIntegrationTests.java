package dev.redisboot.sample;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.redisboot.sample.auth.DemoPasswords;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.SentinelRedis;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stage 2 of docs/guide.md, the {@code growth} profile: sessions, jobs and rate limits on a
 * primary with a replica and three Sentinels, the caches on a Redis of their own
 * ({@code redisboot.cache.redis.*}), each set up with the guide's {@code redis.conf} lines, and
 * a near cache in front of the users.
 *
 * @author redisboot
 */
@ActiveProfiles("growth")
class SampleApplicationGrowthProfileIntegrationTests extends AbstractStageProfileIntegrationTests {

	private static final SentinelRedis DURABLE = SentinelRedis.start();

	private static final StandaloneRedis CACHE = StandaloneRedis.start();

	static {
		GuideBlocks.Block durable = GuideBlocks.conf("# redis.conf: the durable Redis (sessions, jobs, rate limits, locks)");
		GuideBlocks.apply(durable, DURABLE.primary());
		GuideBlocks.apply(durable, DURABLE.replica());
		GuideBlocks.apply(GuideBlocks.conf("# redis.conf: the cache Redis"), CACHE.node());
	}

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("REDIS_SENTINEL_MASTER", () -> SentinelRedis.MASTER_NAME);
		registry.add("REDIS_SENTINEL_NODES", () -> String.join(",",
				DURABLE.sentinels().stream().map((sentinel) -> sentinel.host() + ":" + sentinel.port()).toList()));
		registry.add("REDIS_CACHE_HOST", CACHE::host);
		registry.add("REDIS_CACHE_PORT", CACHE::port);
	}

	@Override
	List<RedisNode> durableNodes() {
		return List.of(DURABLE.currentPrimary());
	}

	@Override
	List<RedisNode> cacheNodes() {
		return List.of(CACHE.node());
	}

	@Test
	void eachServerSetUpAsTheGuideSaysGetsNoAdviceAndBothAreHealthy() {
		assertThat(actuator().get("/actuator/health/redis")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.details.mode")
			.isEqualTo("sentinel");
		assertThat(actuator().get("/actuator/health/redisServers/cache")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.status")
			.isEqualTo("UP");
		assertThat(actuator().get("/actuator/redis")).hasStatusOk().bodyJson().extractingPath("$.advice").asArray().isEmpty();
		assertThat(actuator().get("/actuator/redis")).bodyJson()
			.extractingPath("$.servers.cache.advice")
			.asArray()
			.isEmpty();
	}

	@Test
	void servesARepeatedUserReadFromTheNearCache() {
		User user = this.users.save(new User("near-" + UUID.randomUUID() + "@example.com", "Near User",
				Instant.now(), Plan.FREE, User.newApiKey(), DemoPasswords.hash(PASSWORD)));
		for (int i = 0; i < 3; i++) {
			assertThat(get("/api/users/" + user.getId(), null)).hasStatusOk();
		}
		assertThat(keys(cacheNodes(), "sample:cache:users:" + user.getId())).hasSize(1);
		assertThat(actuator().get("/actuator/prometheus")).bodyText()
			.containsPattern("(?m)^cache_near_gets_total\\{cache=\"users\",[^}]*result=\"hit\"[^}]*} [1-9]");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Servers {

		@Bean
		ServersStopper serversStopper() {
			return new ServersStopper(DURABLE, CACHE);
		}

	}

}

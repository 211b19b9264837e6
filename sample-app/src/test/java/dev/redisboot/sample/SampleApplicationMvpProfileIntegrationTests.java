package dev.redisboot.sample;

import java.util.List;

import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stage 1 of docs/guide.md, the {@code mvp} profile: one standalone Redis for everything,
 * reached through {@code REDIS_URL}, set up with the guide's {@code redis.conf} lines.
 *
 * @author redisboot
 */
@ActiveProfiles("mvp")
class SampleApplicationMvpProfileIntegrationTests extends AbstractStageProfileIntegrationTests {

	private static final StandaloneRedis REDIS = StandaloneRedis.start();

	static {
		GuideBlocks.apply(GuideBlocks.conf("# redis.conf: one Redis for everything (MVP)"), REDIS.node());
	}

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("REDIS_URL", REDIS::url);
	}

	@Override
	List<RedisNode> durableNodes() {
		return List.of(REDIS.node());
	}

	@Override
	List<RedisNode> cacheNodes() {
		return durableNodes();
	}

	@Test
	void aServerSetUpAsTheGuideSaysGetsNoAdvice() {
		assertThat(actuator().get("/actuator/redis")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.advice")
			.asArray()
			.isEmpty();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Servers {

		@Bean
		ServersStopper serversStopper() {
			return new ServersStopper(REDIS);
		}

	}

}

package dev.redisboot.cache;

import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

@WithRedis(isolated = true)
class RedisbootCacheOutageStandaloneIntegrationTests extends AbstractRedisbootCacheOutageIntegrationTests {

	@Test
	void degradesAndRecovers(StandaloneRedis redis) {
		degradesWhileRedisIsDownAndRecovers(redis, () -> {
		});
	}

	@Test
	void failModeLetsTheErrorThrough(StandaloneRedis redis) {
		failModeThrows(redis);
	}

}

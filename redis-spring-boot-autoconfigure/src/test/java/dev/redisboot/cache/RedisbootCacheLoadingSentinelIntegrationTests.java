package dev.redisboot.cache;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

@WithRedis(RedisTopology.SENTINEL)
class RedisbootCacheLoadingSentinelIntegrationTests extends AbstractCacheLoadingIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedSentinel();
	}

}

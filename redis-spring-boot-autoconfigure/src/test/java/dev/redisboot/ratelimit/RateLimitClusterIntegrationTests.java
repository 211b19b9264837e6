package dev.redisboot.ratelimit;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

@WithRedis(RedisTopology.CLUSTER)
class RateLimitClusterIntegrationTests extends AbstractRateLimitIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedCluster();
	}

}

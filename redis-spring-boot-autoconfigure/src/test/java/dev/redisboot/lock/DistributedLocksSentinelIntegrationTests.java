package dev.redisboot.lock;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * The shared lock tests through Sentinel: locks live on the current primary.
 */
@WithRedis(RedisTopology.SENTINEL)
class DistributedLocksSentinelIntegrationTests extends AbstractDistributedLocksIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedSentinel();
	}

}

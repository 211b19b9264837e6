package dev.redisboot.writebehind;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * The shared write-behind tests through Sentinel: the pending hash, the jobs and their marks live on the current primary.
 */
@WithRedis(RedisTopology.SENTINEL)
class WriteBehindSentinelIntegrationTests extends AbstractWriteBehindIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedSentinel();
	}

}

package dev.redisboot.lock;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * The shared lock tests on a Redis Cluster: a lock and its fencing counter share a slot.
 */
@WithRedis(RedisTopology.CLUSTER)
class DistributedLocksClusterIntegrationTests extends AbstractDistributedLocksIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedCluster();
	}

}

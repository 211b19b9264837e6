package dev.redisboot.writebehind;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * The shared write-behind tests on the shared cluster: each name's pending hash is one slot (its hash tag), the jobs stream another.
 */
@WithRedis(RedisTopology.CLUSTER)
class WriteBehindClusterIntegrationTests extends AbstractWriteBehindIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedCluster();
	}

}

package dev.redisboot.stream;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * Stream listeners and jobs on Redis Cluster: each stream and its delayed set, dead-letter
 * stream and idempotency keys share one hash tag, so the scripts that use them together run
 * on one node.
 */
@WithRedis(RedisTopology.CLUSTER)
class StreamClusterIntegrationTests extends AbstractStreamIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedCluster();
	}

}

package dev.redisboot.stream;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * Job status, cancellation and unique jobs on the shared Cluster deployment.
 */
@WithRedis(RedisTopology.CLUSTER)
class JobControlClusterIntegrationTests extends AbstractJobControlIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedCluster();
	}

}

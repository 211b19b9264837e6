package dev.redisboot.schedule;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * The shared recurring-job tests on the shared cluster deployment.
 */
@WithRedis(RedisTopology.CLUSTER)
class RecurringJobsClusterIntegrationTests extends AbstractRecurringJobsIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedCluster();
	}

}

package dev.redisboot.cache;

import dev.redisboot.NonBlockingTest;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * The retrieve tests on a cluster: entries and their locks in different slots, on three
 * primaries.
 */
@NonBlockingTest
@WithRedis(RedisTopology.CLUSTER)
class CacheRetrieveClusterIntegrationTests extends AbstractCacheRetrieveIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedCluster();
	}

}

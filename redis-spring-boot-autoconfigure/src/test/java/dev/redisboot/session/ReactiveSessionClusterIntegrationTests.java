package dev.redisboot.session;

import dev.redisboot.NonBlockingTest;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * Reactive sessions on Redis Cluster: session hashes, principal indexes and the expiration
 * set live in different slots, and every command touches one key.
 */
@NonBlockingTest
@WithRedis(RedisTopology.CLUSTER)
class ReactiveSessionClusterIntegrationTests extends AbstractReactiveSessionIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedCluster();
	}

}

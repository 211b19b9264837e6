package dev.redisboot.pubsub;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

/**
 * Pub/sub on Redis Cluster: a message published through any node reaches subscribers on
 * every node, channel and pattern listeners alike.
 */
@WithRedis(RedisTopology.CLUSTER)
class PubSubClusterIntegrationTests extends AbstractPubSubIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedCluster();
	}

}

package dev.redisboot.cache;

import dev.redisboot.test.ClusterRedis;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

@WithRedis(value = RedisTopology.CLUSTER, isolated = true)
class RedisbootCacheOutageClusterIntegrationTests extends AbstractRedisbootCacheOutageIntegrationTests {

	@Test
	void degradesAndRecovers(ClusterRedis cluster) {
		degradesWhileRedisIsDownAndRecovers(cluster, cluster::awaitHealthy);
	}

}

package dev.redisboot.cache;

import java.util.HashSet;
import java.util.Set;

import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.test.ClusterRedis;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.cache.CacheManager;

import static org.assertj.core.api.Assertions.assertThat;

@WithRedis(RedisTopology.CLUSTER)
class RedisbootCacheClusterIntegrationTests extends AbstractRedisbootCacheIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedCluster();
	}

	@Test
	void clearRemovesKeysFromEveryPrimary(ClusterRedis cluster) {
		runner().run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			Set<RedisNode> owners = new HashSet<>();
			for (int id = 0; id < 30; id++) {
				service.find(id);
				owners.add(cluster.primaryFor(key("products", id)));
			}
			assertThat(owners).as("entries on every primary").hasSize(3);
			context.getBean(CacheManager.class).getCache("products").clear();
			for (int id = 0; id < 30; id++) {
				String key = key("products", id);
				assertThat(cluster.primaryFor(key).execute("EXISTS", key)).isEqualTo(0L);
			}
		});
	}

}

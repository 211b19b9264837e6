package dev.redisboot;

import java.time.Duration;
import java.util.List;

import dev.redisboot.test.ClusterRedis;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;

import static org.awaitility.Awaitility.await;

/**
 * Every feature through the loss of a Redis Cluster primary: the primary that serves the
 * jobs stream and the listener's subscription (and, among others, some cache entries,
 * buckets and sessions) is killed under load and its replica takes over its slots, on a
 * cluster of the class's own.
 */
@WithRedis(value = RedisTopology.CLUSTER, isolated = true)
class ClusterFailoverIntegrationTests extends AbstractFailoverIntegrationTests {

	@Override
	String jobsStream(RedisDeployment redis) {
		ClusterRedis cluster = (ClusterRedis) redis;
		RedisNode first = cluster.primaries().get(0);
		for (int i = 0;; i++) {
			String stream = "jobs-" + i;
			if (cluster.primaryFor(PREFIX + ":stream:{" + stream + "}") == first) {
				return stream;
			}
		}
	}

	/**
	 * Lettuce subscribes on one node of the cluster, chosen in turn from the topology: while
	 * the subscription is elsewhere, its connection is closed, and Lettuce reconnects and
	 * resubscribes on the next node.
	 */
	@Override
	void subscribeOn(RedisDeployment redis, RedisNode node, String channel) {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
			if (subscribers(node, channel) == 1) {
				return true;
			}
			for (RedisNode other : redis.nodes()) {
				if (other != node && subscribers(other, channel) > 0) {
					other.execute("CLIENT", "KILL", "TYPE", "pubsub");
				}
			}
			return false;
		});
	}

	private static long subscribers(RedisNode node, String channel) {
		return (Long) ((List<?>) node.execute("PUBSUB", "NUMSUB", channel)).get(1);
	}

	@Override
	RedisNode primaryOf(RedisDeployment redis, String key) {
		return ((ClusterRedis) redis).primaryFor(key);
	}

	@Override
	List<RedisNode> primaries(RedisDeployment redis) {
		ClusterRedis cluster = (ClusterRedis) redis;
		return cluster.nodes().stream().filter((node) -> "master".equals(node.info("replication").get("role"))).toList();
	}

}

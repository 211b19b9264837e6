package dev.redisboot.test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WithRedis(value = RedisTopology.CLUSTER, isolated = true)
class ClusterRedisIntegrationTests {

	private ApplicationContextRunner runner(ClusterRedis cluster) {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, cluster::connectionDetails);
	}

	@Test
	void threePrimariesWithOneReplicaEachServeAllSlots(ClusterRedis cluster) {
		assertThat(cluster.nodes()).hasSize(6);
		for (RedisNode node : cluster.nodes()) {
			Map<String, String> info = InfoParser.parse(String.valueOf(node.execute("CLUSTER", "INFO")));
			assertThat(info).containsEntry("cluster_state", "ok")
				.containsEntry("cluster_slots_ok", "16384")
				.containsEntry("cluster_known_nodes", "6")
				.containsEntry("cluster_size", "3");
		}
		for (RedisNode replica : cluster.replicas()) {
			assertThat(replica.info("replication")).containsEntry("role", "slave").containsEntry("master_link_status", "up");
		}
	}

	@Test
	void writesThroughBootLandOnTheOwningPrimaryAndAreReadable(ClusterRedis cluster) {
		runner(cluster).run((context) -> {
			assertThat(context.getBean(RedisConnectionFactory.class).getClusterConnection()).isNotNull();
			StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
			Set<RedisNode> owners = new HashSet<>();
			for (int i = 0; i < 30; i++) {
				String key = "harness:cluster:" + i;
				template.opsForValue().set(key, "value-" + i);
				assertThat(template.opsForValue().get(key)).isEqualTo("value-" + i);
				RedisNode owner = cluster.primaryFor(key);
				assertThat(owner.execute("GET", key)).isEqualTo("value-" + i);
				owners.add(owner);
			}
			assertThat(owners).as("30 keys spread over every primary").hasSize(3);
		});
	}

	@Test
	@Order(Integer.MAX_VALUE) // changes which node is primary: runs last
	void killedPrimaryIsReplacedAndRejoinsAfterRestart(ClusterRedis cluster) {
		String key = "harness:failover";
		RedisNode owner = cluster.primaryFor(key);
		owner.execute("SET", key, "survives");
		assertThat(owner.execute("WAIT", "1", "10000")).as("replicas that acknowledged the write").isEqualTo(1L);
		owner.kill();
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(45))
			.ignoreExceptions()
			.untilAsserted(() -> assertThat(cluster.primaryFor(key)).isNotSameAs(owner));
		RedisNode promoted = cluster.primaryFor(key);
		assertThat(promoted.execute("GET", key)).isEqualTo("survives");
		owner.start();
		cluster.awaitHealthy();
		assertThat(owner.info("replication")).containsEntry("role", "slave");
		runner(cluster).run((context) -> assertThat(context.getBean(StringRedisTemplate.class).opsForValue().get(key))
			.isEqualTo("survives"));
	}

}

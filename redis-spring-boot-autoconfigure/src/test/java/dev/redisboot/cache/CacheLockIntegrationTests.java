package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;

import dev.redisboot.test.ClusterRedis;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.RedisTopology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.cache.CacheManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lock commands against real servers: {@code SET NX PX} takes it once, and the
 * compare-and-delete script releases it only for its holder, including on Cluster nodes that
 * have never seen the script (or lost it) and answer {@code NOSCRIPT}.
 */
class CacheLockIntegrationTests extends CacheIntegrationTestSupport {

	private RedisTopology topology = RedisTopology.STANDALONE;

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.shared(this.topology);
	}

	@ParameterizedTest
	@EnumSource(value = RedisTopology.class, names = { "STANDALONE", "CLUSTER" })
	void lockIsTakenOnceAndReleasedOnlyByItsHolder(RedisTopology topology) {
		this.topology = topology;
		runner().run((context) -> {
			RedisbootCache cache = (RedisbootCache) context.getBean(CacheManager.class).getCache("products");
			CacheRedisCommands commands = (CacheRedisCommands) cache.getNativeCache();
			for (RedisNode node : redis().nodes()) {
				if (!node.name().contains("sentinel")) {
					node.execute("SCRIPT", "FLUSH"); // every node answers NOSCRIPT first
				}
			}
			for (int i = 0; i < 20; i++) { // keys on every Cluster node
				byte[] lock = (key("locks", i)).getBytes(StandardCharsets.UTF_8);
				byte[] holder = bytes("holder-" + i);
				assertThat(commands.tryLock(lock, holder, 30_000)).isTrue();
				assertThat(commands.tryLock(lock, bytes("other"), 30_000)).as("held").isFalse();
				assertThat(commands.pttl(lock)).isBetween(1L, 30_000L);
				assertThat(commands.unlock(lock, bytes("other"))).as("not the holder").isFalse();
				assertThat(commands.pttl(lock)).as("still held").isPositive();
				assertThat(commands.unlock(lock, holder)).isTrue();
				assertThat(commands.pttl(lock)).as("released").isEqualTo(-2);
				assertThat(commands.tryLock(lock, bytes("other"), 30_000)).as("free again").isTrue();
				assertThat(commands.unlock(lock, bytes("other"))).isTrue();
			}
			for (int i = 0; i < 20; i++) {
				String lock = key("locks", i);
				RedisNode owner = (redis() instanceof ClusterRedis cluster) ? cluster.primaryFor(lock)
						: redis().nodes().get(0);
				assertThat(owner.execute("SCRIPT", "EXISTS", CacheRedisCommands.UNLOCK.sha()))
					.as("loaded by EVAL after NOSCRIPT").isEqualTo(java.util.List.of(1L));
			}
		});
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}

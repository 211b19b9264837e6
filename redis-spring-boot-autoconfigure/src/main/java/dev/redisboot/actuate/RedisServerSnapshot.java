package dev.redisboot.actuate;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One reading of every Redis server the application uses: one {@code INFO} per node and,
 * on Cluster, one {@code CLUSTER INFO}.
 *
 * @param mode how the application reaches Redis
 * @param nodes what each node said, in a stable order
 * @param cluster the {@code CLUSTER INFO} fields, empty unless on Cluster or when it failed
 * @param error why Redis could not be read at all, or {@code null}
 * @param takenAt when the reading was taken
 * @author redisboot
 */
public record RedisServerSnapshot(RedisMode mode, List<RedisNodeInfo> nodes, Map<String, String> cluster,
		@Nullable String error, Instant takenAt) {

	/**
	 * Whether at least one node answered.
	 * @return whether any node is up
	 */
	public boolean isAnyNodeUp() {
		return this.nodes.stream().anyMatch(RedisNodeInfo::isUp);
	}

}

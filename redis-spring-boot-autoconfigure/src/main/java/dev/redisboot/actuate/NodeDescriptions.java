package dev.redisboot.actuate;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Describes one node's {@code INFO} for people, in the health details and the endpoint.
 *
 * @author redisboot
 */
final class NodeDescriptions {

	private NodeDescriptions() {
	}

	/**
	 * Describes a node that answered.
	 * @param node the node
	 * @param full whether to add what only the endpoint shows (persistence, fragmentation,
	 * throughput, keyspace)
	 * @return the description, in a stable order
	 */
	static Map<String, Object> describe(RedisNodeInfo node, boolean full) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("version", String.valueOf(node.get("redis_version")));
		details.put("role", node.role());
		details.put("usedMemory", node.getLong("used_memory", -1));
		details.put("usedMemoryHuman", String.valueOf(node.get("used_memory_human")));
		details.put("maxMemory", node.getLong("maxmemory", 0));
		double percent = node.memoryUsagePercent();
		if (!Double.isNaN(percent)) {
			details.put("memoryUsage", String.format(Locale.ROOT, "%.1f%%", percent));
		}
		details.put("maxmemoryPolicy", String.valueOf(node.get("maxmemory_policy")));
		details.put("connectedClients", node.getLong("connected_clients", -1));
		details.put("uptime", Duration.ofSeconds(node.getLong("uptime_in_seconds", 0)).toString());
		if (node.isReplica()) {
			details.put("masterLinkStatus", String.valueOf(node.get("master_link_status")));
		}
		else {
			details.put("connectedReplicas", node.getLong("connected_slaves", 0));
		}
		if (full) {
			details.put("blockedClients", node.getLong("blocked_clients", 0));
			details.put("fragmentationRatio", node.getDouble("mem_fragmentation_ratio"));
			details.put("opsPerSecond", node.getLong("instantaneous_ops_per_sec", 0));
			long hits = node.getLong("keyspace_hits", 0);
			long misses = node.getLong("keyspace_misses", 0);
			if (hits + misses > 0) {
				details.put("keyspaceHitRatio", Math.round(hits * 1000.0 / (hits + misses)) / 1000.0);
			}
			details.put("evictedKeys", node.getLong("evicted_keys", 0));
			details.put("expiredKeys", node.getLong("expired_keys", 0));
			Map<String, Object> persistence = new LinkedHashMap<>();
			persistence.put("aofEnabled", "1".equals(node.get("aof_enabled")));
			persistence.put("rdbChangesSinceLastSave", node.getLong("rdb_changes_since_last_save", 0));
			persistence.put("rdbLastSaveStatus", String.valueOf(node.get("rdb_last_bgsave_status")));
			details.put("persistence", persistence);
			Map<String, Object> keyspace = new LinkedHashMap<>();
			if (node.info() != null) {
				node.info().forEach((key, value) -> {
					if (key.matches("db\\d+")) {
						for (String part : value.split(",")) {
							if (part.startsWith("keys=")) {
								keyspace.put(key, Long.parseLong(part.substring(5)));
							}
						}
					}
				});
			}
			details.put("keys", keyspace);
		}
		return details;
	}

}

package dev.redisboot.test;

import java.util.ArrayList;
import java.util.List;

/**
 * Configuration lines for local test servers: nothing persisted, the DEBUG command allowed
 * from loopback (for {@link RedisNode#sleep}), short timeouts so that failover happens
 * quickly in fault tests.
 */
final class LocalConfiguration {

	static final int CLUSTER_NODE_TIMEOUT_MILLIS = 2000;

	static final int SENTINEL_DOWN_AFTER_MILLIS = 2000;

	private LocalConfiguration() {
	}

	static List<String> server() {
		// No 5 s wait before a full sync to a new replica: replicas are attached at startup and after restarts.
		return List.of("save \"\"", "appendonly no", "enable-debug-command local", "protected-mode no",
				"repl-diskless-sync-delay 0");
	}

	static List<String> clusterNode() {
		List<String> lines = new ArrayList<>(server());
		lines.add("cluster-enabled yes");
		lines.add("cluster-config-file nodes.conf");
		lines.add("cluster-node-timeout " + CLUSTER_NODE_TIMEOUT_MILLIS);
		return lines;
	}

	static List<String> replicaOf(RedisNode primary) {
		List<String> lines = new ArrayList<>(server());
		lines.add("replicaof " + primary.host() + " " + primary.port());
		return lines;
	}

	static List<String> sentinel(String masterName, RedisNode primary) {
		return List.of("protected-mode no", "sentinel resolve-hostnames no",
				"sentinel monitor " + masterName + " " + primary.host() + " " + primary.port() + " 2",
				"sentinel down-after-milliseconds " + masterName + " " + SENTINEL_DOWN_AFTER_MILLIS,
				"sentinel failover-timeout " + masterName + " 10000",
				"sentinel parallel-syncs " + masterName + " 1");
	}

}

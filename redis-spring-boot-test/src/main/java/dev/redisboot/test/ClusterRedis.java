package dev.redisboot.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * A Redis Cluster of three primaries and three replicas as local {@code redis-server}
 * processes. Slots are split evenly; nodes are declared failing after
 * {@value LocalConfiguration#CLUSTER_NODE_TIMEOUT_MILLIS} ms, so failover tests finish quickly.
 */
public final class ClusterRedis implements RedisDeployment {

	private static final int SLOTS = 16384;

	private static final int SHARDS = 3;

	private static final Duration CONVERGENCE_TIMEOUT = Duration.ofSeconds(60);

	private final List<LocalRedisServer> primaries;

	private final List<LocalRedisServer> replicas;

	private ClusterRedis(List<LocalRedisServer> primaries, List<LocalRedisServer> replicas) {
		this.primaries = primaries;
		this.replicas = replicas;
	}

	/**
	 * Starts six nodes, assigns the slots, joins them into one cluster, attaches a replica to
	 * every primary and waits until every node reports the cluster healthy.
	 * @return the running cluster
	 */
	public static ClusterRedis start() {
		Path executable = RedisBackend.localExecutable();
		List<LocalRedisServer> primaries = new ArrayList<>();
		List<LocalRedisServer> replicas = new ArrayList<>();
		try {
			for (int i = 1; i <= SHARDS; i++) {
				primaries.add(new LocalRedisServer("primary-" + i, executable, LocalConfiguration.clusterNode(),
						List.of()));
				replicas.add(new LocalRedisServer("replica-" + i, executable, LocalConfiguration.clusterNode(),
						List.of()));
			}
			ClusterRedis cluster = new ClusterRedis(List.copyOf(primaries), List.copyOf(replicas));
			cluster.create();
			return cluster;
		}
		catch (RuntimeException ex) {
			primaries.forEach(LocalRedisServer::close);
			replicas.forEach(LocalRedisServer::close);
			throw ex;
		}
	}

	private void create() {
		List<LocalRedisServer> all = allServers();
		all.forEach(LocalRedisServer::start);
		for (int i = 0; i < all.size(); i++) {
			// Distinct epochs up front, as redis-cli --cluster create does, so no collision has to be resolved.
			all.get(i).execute("CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
		}
		for (int shard = 0; shard < SHARDS; shard++) {
			int first = shard * SLOTS / SHARDS;
			int last = (shard + 1) * SLOTS / SHARDS - 1;
			List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
			for (int slot = first; slot <= last; slot++) {
				command.add(Integer.toString(slot));
			}
			this.primaries.get(shard).execute(command.toArray(String[]::new));
		}
		LocalRedisServer seed = all.get(0);
		for (LocalRedisServer other : all.subList(1, all.size())) {
			seed.execute("CLUSTER", "MEET", other.host(), Integer.toString(other.port()));
		}
		Polling.await("every cluster node to know the other five", CONVERGENCE_TIMEOUT,
				() -> all.stream().allMatch((node) -> clusterNodes(node).size() == all.size()
						&& clusterNodes(node).stream().noneMatch((line) -> line.flags.contains("handshake"))));
		for (int shard = 0; shard < SHARDS; shard++) {
			String primaryId = myId(this.primaries.get(shard));
			this.replicas.get(shard).execute("CLUSTER", "REPLICATE", primaryId);
		}
		awaitHealthy();
	}

	/**
	 * Waits until every running node reports {@code cluster_state:ok} with all slots served,
	 * knows every node without failure flags, and every replica's link to its primary is up.
	 * Call it after restarting or failing over a node.
	 */
	public void awaitHealthy() {
		Polling.await("the cluster to become healthy", CONVERGENCE_TIMEOUT, this::isHealthy);
	}

	private boolean isHealthy() {
		for (LocalRedisServer node : allServers()) {
			if (!node.isRunning()) {
				return false;
			}
			Map<String, String> info = InfoParser.parse(String.valueOf(node.execute("CLUSTER", "INFO")));
			if (!"ok".equals(info.get("cluster_state")) || !Integer.toString(SLOTS).equals(info.get("cluster_slots_ok"))
					|| !Integer.toString(allServers().size()).equals(info.get("cluster_known_nodes"))) {
				return false;
			}
			List<NodeLine> lines = clusterNodes(node);
			long replicaLines = lines.stream().filter((line) -> line.flags.contains("slave")).count();
			if (replicaLines != SHARDS || lines.stream().anyMatch(NodeLine::isUnhealthy)) {
				return false;
			}
			Map<String, String> replication = node.info("replication");
			if ("slave".equals(replication.get("role")) && !"up".equals(replication.get("master_link_status"))) {
				return false;
			}
		}
		return true;
	}

	private static String myId(RedisNode node) {
		return String.valueOf(node.execute("CLUSTER", "MYID"));
	}

	private static List<NodeLine> clusterNodes(RedisNode node) {
		List<NodeLine> lines = new ArrayList<>();
		for (String line : String.valueOf(node.execute("CLUSTER", "NODES")).split("\n")) {
			if (!line.isBlank()) {
				lines.add(NodeLine.parse(line));
			}
		}
		return lines;
	}

	/**
	 * Slot of a key, as the cluster computes it.
	 * @param key the key
	 * @return the slot, 0 to 16383
	 */
	public int slotOf(String key) {
		return Math.toIntExact((Long) runningNode().execute("CLUSTER", "KEYSLOT", key));
	}

	/**
	 * Node that serves a key's slot as primary now (after failovers too).
	 * @param key the key
	 * @return the primary for the key
	 */
	public RedisNode primaryFor(String key) {
		int slot = slotOf(key);
		Map<String, RedisNode> byAddress = new HashMap<>();
		allServers().forEach((node) -> byAddress.put(node.host() + ":" + node.port(), node));
		for (NodeLine line : clusterNodes(runningNode())) {
			if (line.flags.contains("master") && !line.flags.contains("fail") && line.serves(slot)) {
				RedisNode node = byAddress.get(line.address);
				if (node != null) {
					return node;
				}
			}
		}
		throw new IllegalStateException("No primary serves slot " + slot);
	}

	private RedisNode runningNode() {
		return allServers().stream()
			.filter(LocalRedisServer::isRunning)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No cluster node is running"));
	}

	/**
	 * The three nodes that were primaries when the cluster was created.
	 * @return the initial primaries, in slot order
	 */
	public List<RedisNode> primaries() {
		return List.copyOf(this.primaries);
	}

	/**
	 * The three nodes that were replicas when the cluster was created; the n-th replicates
	 * the n-th primary.
	 * @return the initial replicas
	 */
	public List<RedisNode> replicas() {
		return List.copyOf(this.replicas);
	}

	private List<LocalRedisServer> allServers() {
		List<LocalRedisServer> all = new ArrayList<>(this.primaries);
		all.addAll(this.replicas);
		return all;
	}

	@Override
	public RedisTopology topology() {
		return RedisTopology.CLUSTER;
	}

	@Override
	public List<RedisNode> nodes() {
		return List.copyOf(allServers());
	}

	@Override
	public DataRedisConnectionDetails connectionDetails() {
		List<DataRedisConnectionDetails.Node> nodes = allServers().stream()
			.map((node) -> new DataRedisConnectionDetails.Node(node.host(), node.port()))
			.toList();
		return new DataRedisConnectionDetails() {

			@Override
			public Cluster getCluster() {
				return () -> nodes;
			}

		};
	}

	@Override
	public String[] propertyValues() {
		return new String[] { "spring.data.redis.cluster.nodes="
				+ String.join(",", allServers().stream().map((node) -> node.host() + ":" + node.port()).toList()) };
	}

	@Override
	public void flushAll() {
		for (LocalRedisServer node : allServers()) {
			if (node.isRunning() && "master".equals(node.info("replication").get("role"))) {
				node.execute("FLUSHALL");
			}
		}
	}

	@Override
	public void close() {
		allServers().forEach(LocalRedisServer::close);
	}

	@Override
	public String toString() {
		return "ClusterRedis[primaries=" + this.primaries + ", replicas=" + this.replicas + "]";
	}

	/**
	 * One line of {@code CLUSTER NODES}.
	 */
	private record NodeLine(String id, String address, List<String> flags, List<String> slots) {

		static NodeLine parse(String line) {
			String[] fields = line.trim().split(" ");
			String address = fields[1];
			int cut = address.indexOf('@');
			address = (cut >= 0) ? address.substring(0, cut) : address;
			List<String> slots = (fields.length > 8) ? List.of(fields).subList(8, fields.length) : List.of();
			return new NodeLine(fields[0], address, List.of(fields[2].split(",")), slots);
		}

		boolean isUnhealthy() {
			return this.flags.contains("fail") || this.flags.contains("fail?") || this.flags.contains("handshake")
					|| this.flags.contains("noaddr");
		}

		boolean serves(int slot) {
			for (String range : this.slots) {
				if (range.startsWith("[")) {
					continue;
				}
				int dash = range.indexOf('-');
				int from = Integer.parseInt((dash < 0) ? range : range.substring(0, dash));
				int to = (dash < 0) ? from : Integer.parseInt(range.substring(dash + 1));
				if (slot >= from && slot <= to) {
					return true;
				}
			}
			return false;
		}

	}

}

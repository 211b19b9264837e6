package dev.redisboot.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * A Redis Cluster of three primaries and three replicas as local {@code redis-server}
 * processes. Slots are split evenly; nodes are declared failing after
 * {@value LocalConfiguration#CLUSTER_NODE_TIMEOUT_MILLIS} ms, so failover tests finish quickly.
 * <p>
 * {@link #startWithTlsAndAclUser(String)} starts a cluster as managed services run one for
 * production: clients connect over TLS (each node has a TLS port of its own, and the nodes
 * announce it to TLS clients; the cluster bus and replication use TLS too) as the
 * least-privilege user {@value StandaloneRedis#ACL_USER}. {@link RedisNode#execute} stays a
 * plain-text connection of the default user, for test set-up and assertions.
 */
public final class ClusterRedis implements RedisDeployment {

	private static final int SLOTS = 16384;

	private static final int SHARDS = 3;

	private static final Duration CONVERGENCE_TIMEOUT = Duration.ofSeconds(60);

	private final List<LocalRedisServer> primaries;

	private final List<LocalRedisServer> replicas;

	private final @Nullable String username;

	private final @Nullable String password;

	private final Map<LocalRedisServer, Integer> tlsPorts;

	private ClusterRedis(List<LocalRedisServer> primaries, List<LocalRedisServer> replicas, @Nullable String username,
			@Nullable String password, Map<LocalRedisServer, Integer> tlsPorts) {
		this.primaries = primaries;
		this.replicas = replicas;
		this.username = username;
		this.password = password;
		this.tlsPorts = tlsPorts;
	}

	/**
	 * Starts six nodes, assigns the slots, joins them into one cluster, attaches a replica to
	 * every primary and waits until every node reports the cluster healthy.
	 * @return the running cluster
	 */
	public static ClusterRedis start() {
		return start(null, null, false);
	}

	/**
	 * Starts a cluster that the application reaches over TLS (a certificate for
	 * {@code 127.0.0.1} and {@code localhost} signed by the CA of the test run, as
	 * {@link StandaloneRedis#startWithTls()}) as {@value StandaloneRedis#ACL_USER}, a user with
	 * the given ACL rules, such as {@value StandaloneRedis#MANAGED_ACL_RULES}.
	 * {@link #connectionDetails()} and {@link #propertyValues()} carry the user, the TLS ports
	 * and the trust.
	 * @param rules the user's ACL rules, without {@code on} and the password
	 * @return the running cluster
	 */
	public static ClusterRedis startWithTlsAndAclUser(String rules) {
		return start(StandaloneRedis.ACL_USER + " " + rules, UUID.randomUUID().toString(), true);
	}

	private static ClusterRedis start(@Nullable String userAndRules, @Nullable String password, boolean tls) {
		Path executable = RedisBackend.localExecutable();
		List<LocalRedisServer> primaries = new ArrayList<>();
		List<LocalRedisServer> replicas = new ArrayList<>();
		Map<LocalRedisServer, Integer> tlsPorts = new HashMap<>();
		try {
			for (int i = 1; i <= SHARDS; i++) {
				primaries.add(node("primary-" + i, executable, userAndRules, password, tls, tlsPorts));
				replicas.add(node("replica-" + i, executable, userAndRules, password, tls, tlsPorts));
			}
			String username = (userAndRules != null) ? StandaloneRedis.ACL_USER : null;
			ClusterRedis cluster = new ClusterRedis(List.copyOf(primaries), List.copyOf(replicas), username,
					password, Map.copyOf(tlsPorts));
			cluster.create();
			return cluster;
		}
		catch (RuntimeException ex) {
			primaries.forEach(LocalRedisServer::close);
			replicas.forEach(LocalRedisServer::close);
			throw ex;
		}
	}

	private static LocalRedisServer node(String name, Path executable, @Nullable String userAndRules,
			@Nullable String password, boolean tls, Map<LocalRedisServer, Integer> tlsPorts) {
		List<String> configuration = new ArrayList<>(LocalConfiguration.clusterNode());
		if (userAndRules != null) {
			int space = userAndRules.indexOf(' ');
			configuration.add("user " + userAndRules.substring(0, space) + " on >" + password
					+ userAndRules.substring(space));
		}
		int tlsPort = 0;
		if (tls) {
			// FreePorts checks the port 10000 above too: with tls-cluster the bus listens there.
			TestCertificates certificates = TestCertificates.get();
			tlsPort = FreePorts.next();
			configuration.add("tls-port " + tlsPort);
			configuration.add("tls-cert-file " + certificates.serverCertificate());
			configuration.add("tls-key-file " + certificates.serverKey());
			configuration.add("tls-ca-cert-file " + certificates.caCertificate());
			configuration.add("tls-auth-clients no");
			// Nodes then announce their TLS port to TLS clients (CLUSTER NODES, SLOTS, MOVED) and
			// their plain port to plain ones; the bus and replication run over TLS as well.
			configuration.add("tls-cluster yes");
			configuration.add("tls-replication yes");
		}
		LocalRedisServer server = new LocalRedisServer(name, executable, configuration, List.of());
		if (tls) {
			tlsPorts.put(server, tlsPort);
		}
		return server;
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
			// With tls-cluster the bus port is the TLS port's, 10000 above it.
			seed.execute("CLUSTER", "MEET", other.host(), Integer.toString(clientPort(other)));
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

	/**
	 * Port the application connects to on a node: its TLS port on a TLS cluster, its
	 * {@link RedisNode#port()} otherwise.
	 * @param node a node of this cluster
	 * @return the port
	 */
	public int clientPort(RedisNode node) {
		Integer tlsPort = this.tlsPorts.get(node);
		return (tlsPort != null) ? tlsPort : node.port();
	}

	/**
	 * Name of the user the application connects as.
	 * @return the user name, or empty when the application uses the default user
	 */
	public Optional<String> username() {
		return Optional.ofNullable(this.username);
	}

	/**
	 * Password of the user the application connects as.
	 * @return the password, or empty when the application uses the default user
	 */
	public Optional<String> password() {
		return Optional.ofNullable(this.password);
	}

	/**
	 * Whether the application connects over TLS.
	 * @return {@code true} for a cluster from {@link #startWithTlsAndAclUser(String)}
	 */
	public boolean isTls() {
		return !this.tlsPorts.isEmpty();
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
			.map((node) -> new DataRedisConnectionDetails.Node(node.host(), clientPort(node)))
			.toList();
		String username = this.username;
		String password = this.password;
		SslBundle sslBundle = isTls() ? sslBundle() : null;
		return new DataRedisConnectionDetails() {

			@Override
			public @Nullable String getUsername() {
				return username;
			}

			@Override
			public @Nullable String getPassword() {
				return password;
			}

			@Override
			public @Nullable SslBundle getSslBundle() {
				return sslBundle;
			}

			@Override
			public Cluster getCluster() {
				return () -> nodes;
			}

		};
	}

	private static SslBundle sslBundle() {
		PemSslStoreDetails trustStore = PemSslStoreDetails
			.forCertificate("file:" + TestCertificates.get().caCertificate());
		return SslBundle.of(new PemSslStoreBundle(null, trustStore));
	}

	/**
	 * Spring Boot properties that connect to this cluster. On a TLS cluster they define the
	 * SSL bundle {@value StandaloneRedis#SSL_BUNDLE} through {@code spring.ssl.bundle.pem.*}.
	 * @return {@code name=value} pairs
	 */
	@Override
	public String[] propertyValues() {
		List<String> values = new ArrayList<>();
		values.add("spring.data.redis.cluster.nodes=" + String.join(",",
				allServers().stream().map((node) -> node.host() + ":" + clientPort(node)).toList()));
		if (this.username != null) {
			values.add("spring.data.redis.username=" + this.username);
			values.add("spring.data.redis.password=" + this.password);
		}
		if (isTls()) {
			values.add("spring.data.redis.ssl.bundle=" + StandaloneRedis.SSL_BUNDLE);
			values.add("spring.ssl.bundle.pem." + StandaloneRedis.SSL_BUNDLE + ".truststore.certificate=file:"
					+ TestCertificates.get().caCertificate());
		}
		return values.toArray(String[]::new);
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
		return "ClusterRedis[primaries=" + this.primaries + ", replicas=" + this.replicas
				+ ((this.username != null) ? ", user " + this.username : "") + (isTls() ? ", TLS" : "") + "]";
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

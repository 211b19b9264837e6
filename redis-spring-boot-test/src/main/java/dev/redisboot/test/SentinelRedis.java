package dev.redisboot.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * A primary, one replica and three Sentinels (quorum 2) as local {@code redis-server}
 * processes. Sentinels declare a node down after
 * {@value LocalConfiguration#SENTINEL_DOWN_AFTER_MILLIS} ms, so failover tests finish quickly.
 */
public final class SentinelRedis implements RedisDeployment {

	/**
	 * Name under which the Sentinels monitor the primary.
	 */
	public static final String MASTER_NAME = "mymaster";

	private static final Duration CONVERGENCE_TIMEOUT = Duration.ofSeconds(60);

	private final LocalRedisServer primary;

	private final LocalRedisServer replica;

	private final List<LocalRedisServer> sentinels;

	private SentinelRedis(LocalRedisServer primary, LocalRedisServer replica, List<LocalRedisServer> sentinels) {
		this.primary = primary;
		this.replica = replica;
		this.sentinels = sentinels;
	}

	/**
	 * Starts the primary, the replica and the Sentinels, and waits until the replica is in
	 * sync and every Sentinel knows the primary, the replica and the other Sentinels.
	 * @return the running deployment
	 */
	public static SentinelRedis start() {
		Path executable = RedisBackend.localExecutable();
		List<LocalRedisServer> started = new ArrayList<>();
		try {
			LocalRedisServer primary = started(started,
					new LocalRedisServer("primary", executable, LocalConfiguration.server(), List.of()));
			LocalRedisServer replica = started(started,
					new LocalRedisServer("replica", executable, LocalConfiguration.replicaOf(primary), List.of()));
			Polling.await("the replica to sync with the primary", CONVERGENCE_TIMEOUT,
					() -> "up".equals(replica.info("replication").get("master_link_status")));
			List<LocalRedisServer> sentinels = new ArrayList<>();
			for (int i = 1; i <= 3; i++) {
				sentinels.add(started(started, new LocalRedisServer("sentinel-" + i, executable,
						LocalConfiguration.sentinel(MASTER_NAME, primary), List.of("--sentinel"))));
			}
			SentinelRedis deployment = new SentinelRedis(primary, replica, List.copyOf(sentinels));
			deployment.awaitSentinelsConverged();
			return deployment;
		}
		catch (RuntimeException ex) {
			started.forEach(LocalRedisServer::close);
			throw ex;
		}
	}

	private static LocalRedisServer started(List<LocalRedisServer> started, LocalRedisServer server) {
		started.add(server);
		server.start();
		return server;
	}

	/**
	 * Waits until every running Sentinel agrees on the current primary and knows one replica
	 * and the other Sentinels; call it after a failover or restart before the next step.
	 */
	public void awaitSentinelsConverged() {
		Polling.await("the Sentinels to discover the primary, the replica and each other", CONVERGENCE_TIMEOUT,
				() -> {
					int expectedPort = -1;
					for (LocalRedisServer sentinel : this.sentinels) {
						if (!sentinel.isRunning()) {
							continue;
						}
						int port = primaryPort(sentinel);
						if (expectedPort != -1 && port != expectedPort) {
							return false;
						}
						expectedPort = port;
						if (size(sentinel.execute("SENTINEL", "REPLICAS", MASTER_NAME)) != 1
								|| size(sentinel.execute("SENTINEL", "SENTINELS", MASTER_NAME)) != runningSentinels() - 1) {
							return false;
						}
					}
					return expectedPort != -1;
				});
	}

	private long runningSentinels() {
		return this.sentinels.stream().filter(LocalRedisServer::isRunning).count();
	}

	private static int size(@Nullable Object reply) {
		return (reply instanceof List<?> list) ? list.size() : 0;
	}

	private static int primaryPort(RedisNode sentinel) {
		Object reply = sentinel.execute("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
		if (reply instanceof List<?> address && address.size() == 2) {
			return Integer.parseInt(String.valueOf(address.get(1)));
		}
		throw new IllegalStateException("Sentinel " + sentinel + " does not know " + MASTER_NAME);
	}

	/**
	 * Node that was the primary when the deployment started; after a failover it may be a
	 * replica (see {@link #currentPrimary()}).
	 * @return the initial primary
	 */
	public RedisNode primary() {
		return this.primary;
	}

	/**
	 * Node that was the replica when the deployment started.
	 * @return the initial replica
	 */
	public RedisNode replica() {
		return this.replica;
	}

	/**
	 * The three Sentinels.
	 * @return the Sentinels
	 */
	public List<RedisNode> sentinels() {
		return List.copyOf(this.sentinels);
	}

	/**
	 * Asks the Sentinels which node is the primary now.
	 * @return the current primary
	 */
	public RedisNode currentPrimary() {
		for (LocalRedisServer sentinel : this.sentinels) {
			if (sentinel.isRunning()) {
				int port = primaryPort(sentinel);
				return (port == this.primary.port()) ? this.primary : this.replica;
			}
		}
		throw new IllegalStateException("No Sentinel is running");
	}

	@Override
	public RedisTopology topology() {
		return RedisTopology.SENTINEL;
	}

	@Override
	public List<RedisNode> nodes() {
		List<RedisNode> nodes = new ArrayList<>();
		nodes.add(this.primary);
		nodes.add(this.replica);
		nodes.addAll(this.sentinels);
		return List.copyOf(nodes);
	}

	@Override
	public DataRedisConnectionDetails connectionDetails() {
		List<DataRedisConnectionDetails.Node> nodes = this.sentinels.stream()
			.map((sentinel) -> new DataRedisConnectionDetails.Node(sentinel.host(), sentinel.port()))
			.toList();
		return new DataRedisConnectionDetails() {

			@Override
			public Sentinel getSentinel() {
				return new Sentinel() {

					@Override
					public int getDatabase() {
						return 0;
					}

					@Override
					public String getMaster() {
						return MASTER_NAME;
					}

					@Override
					public List<Node> getNodes() {
						return nodes;
					}

					@Override
					public @Nullable String getUsername() {
						return null;
					}

					@Override
					public @Nullable String getPassword() {
						return null;
					}

				};
			}

		};
	}

	@Override
	public String[] propertyValues() {
		return new String[] { "spring.data.redis.sentinel.master=" + MASTER_NAME,
				"spring.data.redis.sentinel.nodes=" + String.join(",",
						this.sentinels.stream().map((sentinel) -> sentinel.host() + ":" + sentinel.port()).toList()) };
	}

	@Override
	public void flushAll() {
		currentPrimary().execute("FLUSHALL");
	}

	@Override
	public void close() {
		this.sentinels.forEach(LocalRedisServer::close);
		this.replica.close();
		this.primary.close();
	}

	@Override
	public String toString() {
		return "SentinelRedis[primary=" + this.primary + ", replica=" + this.replica + ", sentinels=" + this.sentinels
				+ "]";
	}

}

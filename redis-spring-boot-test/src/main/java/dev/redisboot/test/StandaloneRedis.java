package dev.redisboot.test;

import java.util.List;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * One Redis server for tests: a Testcontainers container when Docker is available, a local
 * {@code redis-server} process otherwise (see {@link RedisBackend}).
 */
public final class StandaloneRedis implements RedisDeployment {

	private final RedisNode node;

	private final AutoCloseable resource;

	private StandaloneRedis(RedisNode node, AutoCloseable resource) {
		this.node = node;
		this.resource = resource;
	}

	/**
	 * Starts a new standalone server on the backend {@link RedisBackend#select} chooses.
	 * @return the running server
	 */
	public static StandaloneRedis start() {
		return start(RedisBackend.select(RedisTopology.STANDALONE));
	}

	/**
	 * Starts a new standalone server on the given backend.
	 * @param backend {@link RedisBackend#DOCKER} or {@link RedisBackend#LOCAL}
	 * @return the running server
	 */
	public static StandaloneRedis start(RedisBackend backend) {
		if (backend == RedisBackend.DOCKER) {
			ContainerRedisServer container = ContainerRedisServer.create("standalone");
			return new StandaloneRedis(container, container);
		}
		LocalRedisServer server = new LocalRedisServer("standalone", RedisBackend.localExecutable(),
				LocalConfiguration.server(), List.of());
		try {
			server.start();
		}
		catch (RuntimeException ex) {
			server.close();
			throw ex;
		}
		return new StandaloneRedis(server, server);
	}

	/**
	 * The server.
	 * @return the node
	 */
	public RedisNode node() {
		return this.node;
	}

	/**
	 * Host clients connect to.
	 * @return the host
	 */
	public String host() {
		return this.node.host();
	}

	/**
	 * Port clients connect to.
	 * @return the port
	 */
	public int port() {
		return this.node.port();
	}

	/**
	 * A {@code redis://} URL of the server.
	 * @return the URL
	 */
	public String url() {
		return "redis://" + host() + ":" + port();
	}

	@Override
	public RedisTopology topology() {
		return RedisTopology.STANDALONE;
	}

	@Override
	public List<RedisNode> nodes() {
		return List.of(this.node);
	}

	@Override
	public DataRedisConnectionDetails connectionDetails() {
		return new DataRedisConnectionDetails() {

			@Override
			public Standalone getStandalone() {
				return Standalone.of(host(), port());
			}

		};
	}

	@Override
	public String[] propertyValues() {
		return new String[] { "spring.data.redis.host=" + host(), "spring.data.redis.port=" + port() };
	}

	@Override
	public void flushAll() {
		this.node.execute("FLUSHALL");
	}

	@Override
	public void close() {
		try {
			this.resource.close();
		}
		catch (Exception ex) {
			throw new IllegalStateException("Failed to stop " + this.node, ex);
		}
	}

	@Override
	public String toString() {
		return "StandaloneRedis[" + this.node + "]";
	}

}

package dev.redisboot.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.redisboot.test.ClusterRedis;
import dev.redisboot.test.RedisBackend;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.SentinelRedis;
import dev.redisboot.test.StandaloneRedis;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A Redis deployment of a benchmark's own in one of three topologies (a standalone server; a
 * primary, a replica and three Sentinels; a cluster of three primaries with a replica each),
 * the Boot applications started on it, and Redis's own count of the commands its data nodes
 * ran ({@code INFO commandstats}, by node role). {@link #close()} closes the applications,
 * then stops every node.
 */
public final class BenchmarkDeployment implements AutoCloseable {

	/**
	 * Where Redis runs.
	 */
	public enum Topology {

		/**
		 * One redis-server.
		 */
		STANDALONE,

		/**
		 * A primary, one replica and three Sentinels.
		 */
		SENTINEL,

		/**
		 * Three primaries with a replica each.
		 */
		CLUSTER;

		RedisDeployment start() {
			return switch (this) {
				case STANDALONE -> StandaloneRedis.start(RedisBackend.LOCAL);
				case SENTINEL -> SentinelRedis.start();
				case CLUSTER -> ClusterRedis.start();
			};
		}

	}

	/**
	 * How the application's {@code LettuceConnectionFactory} connects: the properties (and
	 * the one factory setting Boot has no property for) that each variant adds.
	 */
	public enum Connection {

		/**
		 * Boot's default: one shared native connection for every thread, no pool.
		 */
		SHARED("spring.data.redis.lettuce.pool.enabled=false"),

		/**
		 * {@code spring.data.redis.lettuce.pool.enabled=true} and nothing else (max-active
		 * 8): Spring Data Redis still shares one native connection for every command that is
		 * neither blocking nor in a transaction, and takes pooled connections only for those.
		 */
		POOL("spring.data.redis.lettuce.pool.enabled=true"),

		/**
		 * The pool (max-active 8) and {@code LettuceConnectionFactory.setShareNativeConnection(false)},
		 * which Boot has no property for: every operation borrows a connection from the pool.
		 */
		POOL_UNSHARED("spring.data.redis.lettuce.pool.enabled=true", UnsharedConnection.PROPERTY + "=true"),

		/**
		 * No pool, {@code spring.data.redis.lettuce.read-from=replicaPreferred}: reads go to a
		 * replica where there is one (Sentinel, Cluster), writes to the primary.
		 */
		REPLICA("spring.data.redis.lettuce.pool.enabled=false", "spring.data.redis.lettuce.read-from=replicaPreferred");

		private final String[] properties;

		Connection(String... properties) {
			this.properties = properties;
		}

		String[] properties(String... more) {
			List<String> all = new ArrayList<>(List.of(this.properties));
			all.addAll(List.of(more));
			return all.toArray(String[]::new);
		}

	}

	private final RedisDeployment deployment;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private BenchmarkDeployment(RedisDeployment deployment) {
		this.deployment = deployment;
	}

	static BenchmarkDeployment start(Topology topology) {
		return new BenchmarkDeployment(topology.start());
	}

	RedisDeployment deployment() {
		return this.deployment;
	}

	/**
	 * Starts an application on the deployment (see {@link BootRedis#start}), closed with it.
	 * @param configuration the configuration class, naming its auto-configurations
	 * @param properties {@code name=value} pairs
	 * @return the running context
	 */
	ConfigurableApplicationContext application(Class<?> configuration, String... properties) {
		ConfigurableApplicationContext context = BootRedis.start(configuration, this.deployment.connectionDetails(),
				properties);
		this.contexts.add(context);
		return context;
	}

	/**
	 * Calls of every command so far on the data nodes (Sentinels left out), summed by role.
	 * @return calls by role ({@code primary}, {@code replica}), then by command (lower case)
	 */
	Map<String, Map<String, Long>> commandCalls() {
		Map<String, Map<String, Long>> calls = new TreeMap<>();
		for (RedisNode node : this.deployment.nodes()) {
			String role = node.info("replication").get("role");
			if (role == null) {
				continue; // a Sentinel
			}
			Map<String, Long> byCommand = calls.computeIfAbsent(role.equals("master") ? "primary" : "replica",
					(r) -> new TreeMap<>());
			CommandCounter.calls(String.valueOf(node.execute("INFO", "commandstats")))
				.forEach((command, count) -> byCommand.merge(command, count, Long::sum));
		}
		return calls;
	}

	/**
	 * Commands per operation between two {@link #commandCalls()}, by role and command; the
	 * counting's own {@code INFO} and anything below 0.001 per operation left out.
	 * @param before the earlier count
	 * @param after the later count
	 * @param operations operations in between
	 * @return commands per operation, by {@code role:command}
	 */
	static Map<String, Double> perOperation(Map<String, Map<String, Long>> before, Map<String, Map<String, Long>> after,
			long operations) {
		Map<String, Double> perOp = new LinkedHashMap<>();
		after.forEach((role, commands) -> commands.forEach((command, calls) -> {
			long delta = calls - before.getOrDefault(role, Map.of()).getOrDefault(command, 0L);
			double ratio = (double) delta / Math.max(1, operations);
			if (!command.equals("info") && ratio >= 0.001) {
				perOp.put(role + ":" + command, ratio);
			}
		}));
		return perOp;
	}

	/**
	 * Sums {@link #perOperation} over roles.
	 * @param perOp commands per operation by {@code role:command}
	 * @param command the command, lower case
	 * @return its calls per operation on all nodes
	 */
	static double total(Map<String, Double> perOp, String command) {
		return perOp.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().endsWith(":" + command))
			.mapToDouble(Map.Entry::getValue)
			.sum();
	}

	@Override
	public void close() {
		RuntimeException failure = null;
		for (ConfigurableApplicationContext context : this.contexts) {
			try {
				context.close();
			}
			catch (RuntimeException ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		this.contexts.clear();
		this.deployment.close();
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return this.deployment.toString();
	}

	/**
	 * Turns the connection factory's shared native connection off when
	 * {@value #PROPERTY} is true, so that every operation takes a connection of the pool:
	 * {@code LettuceConnectionFactory.setShareNativeConnection(false)}, which Spring Boot has no
	 * property for. Register it as a static bean.
	 */
	static final class UnsharedConnection implements BeanPostProcessor, EnvironmentAware {

		static final String PROPERTY = "benchmark.lettuce.unshared";

		private boolean unshared;

		@Override
		public void setEnvironment(Environment environment) {
			this.unshared = environment.getProperty(PROPERTY, Boolean.class, false);
		}

		@Override
		public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
			if (this.unshared && bean instanceof LettuceConnectionFactory factory) {
				factory.setShareNativeConnection(false);
			}
			return bean;
		}

	}

}

package dev.redisboot.test;

import java.util.EnumMap;
import java.util.Map;

/**
 * Starts deployments, and keeps one shared deployment per topology for the whole JVM so that
 * test classes do not each pay for starting a cluster. Shared deployments are stopped when
 * the JVM exits; tests that stop, kill or pause nodes should start a deployment of their own
 * ({@code @WithRedis(isolated = true)} or {@link #start}) instead.
 */
public final class RedisDeployments {

	private static final Map<RedisTopology, RedisDeployment> shared = new EnumMap<>(RedisTopology.class);

	private RedisDeployments() {
	}

	/**
	 * Starts a new deployment that the caller owns and must close.
	 * @param topology the topology
	 * @return the running deployment
	 */
	public static RedisDeployment start(RedisTopology topology) {
		return switch (topology) {
			case STANDALONE -> StandaloneRedis.start();
			case SENTINEL -> SentinelRedis.start();
			case CLUSTER -> ClusterRedis.start();
			case ACL -> StandaloneRedis.startWithAclUser(StandaloneRedis.MANAGED_ACL_RULES);
			case TLS -> StandaloneRedis.startWithTls();
		};
	}

	/**
	 * The JVM-wide deployment of a topology, started on first use.
	 * @param topology the topology
	 * @return the running shared deployment
	 */
	public static synchronized RedisDeployment shared(RedisTopology topology) {
		return shared.computeIfAbsent(topology, RedisDeployments::start);
	}

	/**
	 * The JVM-wide standalone server, started on first use.
	 * @return the shared standalone server
	 */
	public static StandaloneRedis sharedStandalone() {
		return (StandaloneRedis) shared(RedisTopology.STANDALONE);
	}

	/**
	 * The JVM-wide Sentinel deployment, started on first use.
	 * @return the shared Sentinel deployment
	 */
	public static SentinelRedis sharedSentinel() {
		return (SentinelRedis) shared(RedisTopology.SENTINEL);
	}

	/**
	 * The JVM-wide server on which the application is a least-privilege user
	 * ({@link RedisTopology#ACL}), started on first use.
	 * @return the shared ACL server
	 */
	public static StandaloneRedis sharedAcl() {
		return (StandaloneRedis) shared(RedisTopology.ACL);
	}

	/**
	 * The JVM-wide server that the application reaches over TLS, started on first use.
	 * @return the shared TLS server
	 */
	public static StandaloneRedis sharedTls() {
		return (StandaloneRedis) shared(RedisTopology.TLS);
	}

	/**
	 * The JVM-wide cluster, started on first use.
	 * @return the shared cluster
	 */
	public static ClusterRedis sharedCluster() {
		return (ClusterRedis) shared(RedisTopology.CLUSTER);
	}

}

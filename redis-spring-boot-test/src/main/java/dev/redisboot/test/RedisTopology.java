package dev.redisboot.test;

/**
 * Shapes of Redis deployment the harness can start.
 */
public enum RedisTopology {

	/**
	 * One server.
	 */
	STANDALONE,

	/**
	 * A primary, one replica and three Sentinels monitoring them as {@value SentinelRedis#MASTER_NAME}.
	 */
	SENTINEL,

	/**
	 * A Redis Cluster of three primaries, each with one replica.
	 */
	CLUSTER,

	/**
	 * One server on which the application connects as a least-privilege user, with the
	 * rules {@value StandaloneRedis#MANAGED_ACL_RULES} that managed Redis services give.
	 */
	ACL,

	/**
	 * One server that the application reaches over TLS.
	 */
	TLS

}

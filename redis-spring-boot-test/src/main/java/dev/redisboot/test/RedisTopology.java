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
	CLUSTER

}

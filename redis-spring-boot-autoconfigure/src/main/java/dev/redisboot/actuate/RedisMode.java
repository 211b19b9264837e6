package dev.redisboot.actuate;

import java.util.Locale;

/**
 * How the application reaches Redis.
 *
 * @author redisboot
 */
public enum RedisMode {

	/**
	 * One server (possibly with replicas the application does not read from).
	 */
	STANDALONE,

	/**
	 * A primary found through Sentinel.
	 */
	SENTINEL,

	/**
	 * Redis Cluster.
	 */
	CLUSTER;

	/**
	 * The mode's name as shown in health details and the endpoint.
	 * @return the lower-case name
	 */
	public String displayName() {
		return name().toLowerCase(Locale.ROOT);
	}

}

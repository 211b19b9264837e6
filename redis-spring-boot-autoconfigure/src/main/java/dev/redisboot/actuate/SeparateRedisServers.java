package dev.redisboot.actuate;

import java.util.List;

import dev.redisboot.core.redis.RedisServerConnection;

/**
 * The Redis servers the application uses apart from its own ({@code spring.data.redis.*}):
 * for each {@link RedisServerConnection} (such as the caches' Redis,
 * {@code redisboot.cache.redis.*}), its readings and the advice on it, judged by what the
 * features store there. Empty when the application uses one Redis.
 *
 * @param servers the servers, in the order of their connection beans
 * @author redisboot
 */
public record SeparateRedisServers(List<Server> servers) {

	/**
	 * No separate server.
	 */
	public static final SeparateRedisServers NONE = new SeparateRedisServers(List.of());

	/**
	 * Whether there is no separate server.
	 * @return whether the application uses one Redis
	 */
	public boolean isEmpty() {
		return this.servers.isEmpty();
	}

	/**
	 * One separate server.
	 *
	 * @param name the server's name, such as {@code cache}
	 * @param propertyPrefix the prefix of the properties that configure the connection
	 * @param snapshots the readings of the server
	 * @param advisor the advice on it
	 */
	public record Server(String name, String propertyPrefix, RedisServerSnapshots snapshots, RedisAdvisor advisor) {

	}

}

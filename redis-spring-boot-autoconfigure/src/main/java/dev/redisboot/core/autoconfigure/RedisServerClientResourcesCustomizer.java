package dev.redisboot.core.autoconfigure;

import io.lettuce.core.resource.ClientResources;

/**
 * Customizes the Lettuce {@link ClientResources} of a separate Redis connection (see
 * {@link SeparateRedisConnections}), such as the caches' ({@code redisboot.cache.redis.*}).
 * Such a connection shares the application's event loops, executor and timer (no extra
 * threads) through {@link ClientResources#mutate()}; a customizer changes what may differ per
 * server, such as the command latency recorder. Without customizer beans the connection uses
 * the application's resources as they are.
 *
 * @author redisboot
 */
@FunctionalInterface
public interface RedisServerClientResourcesCustomizer {

	/**
	 * Customizes the resources of one server's connection.
	 * @param server the server's name, such as {@code cache}
	 * @param builder a builder of resources mutated from the application's
	 */
	void customize(String server, ClientResources.Builder builder);

}

package dev.redisboot.core.redis;

import dev.redisboot.core.RedisUsage;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A connection to a Redis server of its own, apart from the application's
 * ({@code spring.data.redis.*}), that a feature uses for what it stores: the caches' with
 * {@code redisboot.cache.redis.*}, so that caches can live on an evicting Redis while
 * sessions, jobs, locks and rate limits stay on the durable one. Health, server metrics, the
 * {@code redis} endpoint and its advice cover each such server under its {@link #name()}.
 * <p>
 * Closing it (the bean is destroyed with the application context) stops the connection
 * factory.
 *
 * @author redisboot
 */
public final class RedisServerConnection implements DisposableBean {

	/**
	 * The name of the application's own server ({@code spring.data.redis.*}) in health,
	 * metrics and the endpoint.
	 */
	public static final String DEFAULT_SERVER = RedisUsage.DEFAULT_SERVER;

	private final String name;

	private final String propertyPrefix;

	private final LettuceConnectionFactory connectionFactory;

	private final AutoCloseable resources;

	/**
	 * Creates a connection.
	 * @param name the server's name, such as {@code cache}
	 * @param propertyPrefix the prefix of the properties that configure it, such as
	 * {@code redisboot.cache.redis}
	 * @param connectionFactory the started connection factory
	 * @param resources what to close with the connection (the factory included)
	 */
	public RedisServerConnection(String name, String propertyPrefix, LettuceConnectionFactory connectionFactory,
			AutoCloseable resources) {
		this.name = name;
		this.propertyPrefix = propertyPrefix;
		this.connectionFactory = connectionFactory;
		this.resources = resources;
	}

	/**
	 * The server's name, such as {@code cache}: the {@code server} tag of its meters and its
	 * key in the {@code redis} endpoint.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * The prefix of the properties that configure the connection.
	 * @return the prefix, such as {@code redisboot.cache.redis}
	 */
	public String propertyPrefix() {
		return this.propertyPrefix;
	}

	/**
	 * The connection factory.
	 * @return the factory
	 */
	public LettuceConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	@Override
	public void destroy() throws Exception {
		this.resources.close();
	}

	@Override
	public String toString() {
		return "RedisServerConnection[" + this.name + ", " + this.propertyPrefix + ".*]";
	}

}

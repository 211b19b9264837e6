package dev.redisboot.test;

import java.util.List;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * A running Redis deployment for tests. Closing it stops every server and removes their
 * files.
 *
 * @see StandaloneRedis
 * @see SentinelRedis
 * @see ClusterRedis
 * @see RedisDeployments
 */
public interface RedisDeployment extends AutoCloseable {

	/**
	 * Shape of this deployment.
	 * @return the topology
	 */
	RedisTopology topology();

	/**
	 * Every server of the deployment, Sentinels included.
	 * @return the nodes
	 */
	List<RedisNode> nodes();

	/**
	 * Connection details that make Spring Boot's Redis auto-configuration connect to this
	 * deployment, in the topology's mode. Register them as a bean (the {@link WithRedis}
	 * annotation does that for Spring tests) or pass them to an
	 * {@code ApplicationContextRunner} with {@code withBean}.
	 * @return the connection details
	 */
	DataRedisConnectionDetails connectionDetails();

	/**
	 * The same connection as {@code spring.data.redis.*} properties, in {@code key=value}
	 * form for {@code withPropertyValues}, {@code TestPropertyValues} or
	 * {@code @DynamicPropertySource}.
	 * @return the properties
	 */
	String[] propertyValues();

	/**
	 * Deletes every key on every primary. Only for deployments a test owns: shared
	 * deployments are used by other tests of the same JVM.
	 */
	void flushAll();

	/**
	 * Stops every server and removes their files.
	 */
	@Override
	void close();

}

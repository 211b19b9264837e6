package dev.redisboot.test;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Registers the {@link WithRedis} deployment's {@link DataRedisConnectionDetails} as a bean
 * in the test's application context. Contexts of classes that share a deployment are cached
 * and reused as usual; a class with an isolated deployment gets a context of its own.
 */
final class RedisContextCustomizerFactory implements ContextCustomizerFactory {

	static final String BEAN_NAME = "redisbootTestRedisConnectionDetails";

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		WithRedis annotation = RedisExtension.findAnnotation(testClass);
		if (annotation == null) {
			return null;
		}
		return new RedisContextCustomizer(testClass, annotation.value(), annotation.isolated() ? testClass : null);
	}

	private static final class RedisContextCustomizer implements ContextCustomizer {

		private final Class<?> testClass;

		private final RedisTopology topology;

		private final @Nullable Class<?> isolatedOwner;

		RedisContextCustomizer(Class<?> testClass, RedisTopology topology, @Nullable Class<?> isolatedOwner) {
			this.testClass = testClass;
			this.topology = topology;
			this.isolatedOwner = isolatedOwner;
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			RedisDeployment deployment = RedisExtension.deploymentFor(this.testClass);
			context.getBeanFactory().registerSingleton(BEAN_NAME, deployment.connectionDetails());
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return (other instanceof RedisContextCustomizer that) && this.topology == that.topology
					&& Objects.equals(this.isolatedOwner, that.isolatedOwner);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.topology, this.isolatedOwner);
		}

	}

}

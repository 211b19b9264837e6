package dev.redisboot.cache.autoconfigure;


import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.core.Ordered;
import org.springframework.core.PriorityOrdered;
import org.springframework.core.env.Environment;

/**
 * Wraps the application's {@link CacheOperationSource} in a
 * {@link SynchronizingCacheOperationSource} for the caches with stampede protection or
 * refresh-ahead. Priority-ordered, so that it is registered before the auto-proxy creator
 * whose advisor creates the operation source; for the same reason it reads the properties
 * from the environment rather than from the properties bean.
 */
final class SynchronizingCacheOperationsPostProcessor implements BeanPostProcessor, PriorityOrdered {

	private final Environment environment;

	SynchronizingCacheOperationsPostProcessor(Environment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof CacheOperationSource source && !(bean instanceof SynchronizingCacheOperationSource)) {
			RedisbootCacheProperties properties = Binder.get(this.environment)
				.bind("redisboot.cache", RedisbootCacheProperties.class)
				.orElseGet(RedisbootCacheProperties::new);
			return new SynchronizingCacheOperationSource(source, new CacheSettingsResolver(properties)::isSynchronized);
		}
		return bean;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}

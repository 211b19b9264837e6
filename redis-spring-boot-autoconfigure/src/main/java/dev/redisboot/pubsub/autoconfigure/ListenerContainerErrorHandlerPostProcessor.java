package dev.redisboot.pubsub.autoconfigure;

import dev.redisboot.pubsub.ListenerErrorHandler;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.type.MethodMetadata;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Gives the listener container that Spring Boot auto-configures redisboot's
 * {@link ListenerErrorHandler}, so that a failing plain {@code MessageListener} is counted
 * and logged once instead of at WARN on every message. A container the application defines
 * itself is left alone, since its error handler, if any, is the application's choice.
 *
 * @author redisboot
 */
final class ListenerContainerErrorHandlerPostProcessor implements BeanPostProcessor {

	// package-private in Spring Boot, hence its name
	private static final String BOOT_CONFIGURATION = "org.springframework.boot.data.redis.autoconfigure.DataRedisAnnotationDrivenConfiguration";

	private final ObjectProvider<ListenerErrorHandler> errorHandler;

	private final ConfigurableListableBeanFactory beanFactory;

	ListenerContainerErrorHandlerPostProcessor(ObjectProvider<ListenerErrorHandler> errorHandler,
			ConfigurableListableBeanFactory beanFactory) {
		this.errorHandler = errorHandler;
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof RedisMessageListenerContainer container && isSpringBoots(beanName)) {
			ListenerErrorHandler handler = this.errorHandler.getIfAvailable();
			if (handler != null) {
				container.setErrorHandler(handler);
			}
		}
		return bean;
	}

	private boolean isSpringBoots(String beanName) {
		if (!this.beanFactory.containsBeanDefinition(beanName)) {
			return false;
		}
		BeanDefinition definition = this.beanFactory.getBeanDefinition(beanName);
		if (BOOT_CONFIGURATION.equals(definition.getFactoryBeanName())) {
			return true;
		}
		MethodMetadata factoryMethod = (definition instanceof AnnotatedBeanDefinition annotated)
				? annotated.getFactoryMethodMetadata() : null;
		return factoryMethod != null && BOOT_CONFIGURATION.equals(factoryMethod.getDeclaringClassName());
	}

}

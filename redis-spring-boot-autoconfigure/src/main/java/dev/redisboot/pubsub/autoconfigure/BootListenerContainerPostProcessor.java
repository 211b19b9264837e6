package dev.redisboot.pubsub.autoconfigure;

import java.util.concurrent.RejectedExecutionHandler;

import dev.redisboot.core.PropertyChecks;
import dev.redisboot.core.WarnOnce;
import dev.redisboot.pubsub.ListenerErrorHandler;
import dev.redisboot.pubsub.PubSubMetrics;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.core.type.MethodMetadata;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Gives the listener container that Spring Boot auto-configures redisboot's
 * {@link ListenerErrorHandler}, so that a failing plain {@code MessageListener} is counted
 * and logged once instead of at WARN on every message, and a bounded executor for listener
 * methods ({@code redisboot.pubsub.listener.*}) in place of Boot's default, which starts a
 * new thread for every message and listener: at 16 publishing threads that default made a
 * fan-out to 4 subscribers about 11x slower than raw Lettuce (docs/benchmarks.md). With
 * virtual threads on ({@code spring.threads.virtual.enabled}), Boot's virtual-thread executor
 * is kept. A container the application defines itself is left alone, since its error handler
 * and executor are the application's choice.
 * <p>
 * The executor belongs to this post-processor, which shuts it down when the context closes
 * (after the container, which was created later and so is destroyed first). It is no bean, so
 * that it cannot make Spring Boot's {@code applicationTaskExecutor} back off.
 *
 * @author redisboot
 */
final class BootListenerContainerPostProcessor implements BeanPostProcessor, DisposableBean {

	// package-private in Spring Boot, hence its name
	private static final String BOOT_CONFIGURATION = "org.springframework.boot.data.redis.autoconfigure.DataRedisAnnotationDrivenConfiguration";

	private static final String PREFIX = "redisboot.pubsub.listener.";

	private final ObjectProvider<ListenerErrorHandler> errorHandler;

	private final ObjectProvider<PubSubMetrics> metrics;

	private final ConfigurableListableBeanFactory beanFactory;

	private final Environment environment;

	private final WarnOnce warnOnce = new WarnOnce(LogFactory.getLog(BootListenerContainerPostProcessor.class));

	private volatile @Nullable ThreadPoolTaskExecutor executor;

	BootListenerContainerPostProcessor(ObjectProvider<ListenerErrorHandler> errorHandler,
			ObjectProvider<PubSubMetrics> metrics, ConfigurableListableBeanFactory beanFactory,
			Environment environment) {
		this.errorHandler = errorHandler;
		this.metrics = metrics;
		this.beanFactory = beanFactory;
		this.environment = environment;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof RedisMessageListenerContainer container && isSpringBoots(beanName)) {
			ListenerErrorHandler handler = this.errorHandler.getIfAvailable();
			if (handler != null) {
				container.setErrorHandler(handler);
			}
			if (!Threading.VIRTUAL.isActive(this.environment)) {
				container.setTaskExecutor(executor());
			}
		}
		return bean;
	}

	private synchronized ThreadPoolTaskExecutor executor() {
		ThreadPoolTaskExecutor executor = this.executor;
		if (executor == null) {
			RedisbootPubSubProperties.Listener settings = Binder.get(this.environment)
				.bind("redisboot.pubsub.listener", RedisbootPubSubProperties.Listener.class)
				.orElseGet(RedisbootPubSubProperties.Listener::new);
			int threads = PropertyChecks.atLeast(PREFIX + "threads", settings.getThreads(), 1, "4");
			int capacity = PropertyChecks.atLeast(PREFIX + "queue-capacity", settings.getQueueCapacity(), 1, "10000");
			executor = new ThreadPoolTaskExecutor();
			executor.setCorePoolSize(threads);
			executor.setMaxPoolSize(threads);
			executor.setQueueCapacity(capacity);
			executor.setThreadNamePrefix("redisboot-pubsub-");
			executor.setRejectedExecutionHandler(dropAndCount(capacity));
			executor.initialize();
			this.executor = executor;
		}
		return executor;
	}

	private RejectedExecutionHandler dropAndCount(int capacity) {
		return (task, pool) -> {
			this.metrics.getIfAvailable(() -> PubSubMetrics.NONE).dropped();
			this.warnOnce.warn("dropped", "A pub/sub message was dropped: " + capacity
					+ " messages were already waiting for a listener thread (" + PREFIX + "threads, " + PREFIX
					+ "queue-capacity); counted as redisboot.pubsub.messages{result=\"dropped\"}", null);
		};
	}

	@Override
	public void destroy() {
		ThreadPoolTaskExecutor executor = this.executor;
		if (executor != null) {
			executor.shutdown();
		}
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

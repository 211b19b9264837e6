package dev.redisboot.lock.autoconfigure;

import java.time.Clock;
import java.util.Arrays;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.lock.DistributedLocks;
import dev.redisboot.lock.LockMetrics;
import dev.redisboot.lock.MicrometerLockMetrics;
import dev.redisboot.lock.ScheduledOnce;
import dev.redisboot.lock.ScheduledOnceInterceptor;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.function.SingletonSupplier;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of {@link DistributedLocks} on the
 * application's Lettuce connection, {@link ScheduledOnce @ScheduledOnce} on bean methods, and
 * their {@code redisboot.lock.*} metrics. The locks' circuit breaker is the bean
 * {@value #CIRCUIT_BREAKER_BEAN_NAME}, not a default candidate: another feature's
 * {@code RedisCircuitBreaker} neither replaces it nor is replaced by it.
 *
 * @author redisboot
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class })
@ConditionalOnClass(LettuceConnectionFactory.class)
@ConditionalOnBean(LettuceConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "redisboot.lock.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisbootLockProperties.class)
@Import(RedisbootLockAutoConfiguration.AutoProxyRegistrar.class)
public final class RedisbootLockAutoConfiguration {

	/**
	 * Name of the locks' circuit breaker bean.
	 */
	public static final String CIRCUIT_BREAKER_BEAN_NAME = "redisbootLockCircuitBreaker";

	@Bean(name = CIRCUIT_BREAKER_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(name = CIRCUIT_BREAKER_BEAN_NAME)
	RedisCircuitBreaker redisbootLockCircuitBreaker(RedisbootLockProperties properties) {
		return new LockSettingsResolver(properties).circuitBreaker();
	}

	@Bean
	@ConditionalOnMissingBean
	DistributedLocks distributedLocks(RedisbootLockProperties properties, LettuceConnectionFactory connectionFactory,
			RedisKeyNamer keyNamer, ObjectProvider<LockMetrics> metrics,
			@Qualifier(CIRCUIT_BREAKER_BEAN_NAME) RedisCircuitBreaker circuitBreaker) {
		LockSettingsResolver settings = new LockSettingsResolver(properties);
		return new DistributedLocks(new LettuceCommands(connectionFactory, settings.timeout()), keyNamer,
				metrics.getIfAvailable(() -> LockMetrics.NONE), Clock.systemUTC(), settings.watchdogInterval(),
				circuitBreaker);
	}

	@Bean
	ScheduledOnceVerifier redisbootScheduledOnceVerifier(ConfigurableListableBeanFactory beanFactory,
			RedisbootLockProperties properties, ObjectProvider<LockMetrics> metrics) {
		return new ScheduledOnceVerifier(beanFactory, new LockSettingsResolver(properties).defaultLease(),
				metrics.getIfAvailable(() -> LockMetrics.NONE));
	}

	/**
	 * Declares the lock keys to the advice of the {@code redis} endpoint (an eviction policy
	 * that evicts them lets a second holder run), once the application uses locks: it
	 * declares {@code @ScheduledOnce} methods or has beans that depend on
	 * {@link DistributedLocks}.
	 */
	@Bean
	RedisUsage redisbootLockUsage(ConfigurableListableBeanFactory beanFactory, ScheduledOnceVerifier verifier) {
		return new RedisUsage(RedisUsage.Kind.LOCKS, "distributed locks", () -> verifier.tasksDeclared()
				|| Arrays.stream(beanFactory.getBeanNamesForType(DistributedLocks.class, false, false))
					.anyMatch((name) -> beanFactory.getDependentBeans(name).length > 0));
	}

	/**
	 * Applies {@code @ScheduledOnce}. The interceptor looks the locks up on first use, so
	 * that creating the advisor (early, with the post-processors) creates no Redis beans. It
	 * wraps advice of the default order, such as {@code @Transactional}: the lock is held
	 * around the transaction, never taken inside it.
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static Advisor redisbootScheduledOnceAdvisor(ObjectProvider<DistributedLocks> locks,
			ObjectProvider<RedisbootLockProperties> properties) {
		ScheduledOnceInterceptor interceptor = new ScheduledOnceInterceptor(SingletonSupplier.of(locks::getObject),
				SingletonSupplier.of(() -> new LockSettingsResolver(properties.getObject()).defaultLease()));
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(
				AnnotationMatchingPointcut.forMethodAnnotation(ScheduledOnce.class), interceptor);
		advisor.setOrder(Ordered.LOWEST_PRECEDENCE - 100);
		return advisor;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class LockMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		LockMetrics redisbootLockMetrics(ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meterRegistry = registry.getIfAvailable();
			return (meterRegistry != null) ? new MicrometerLockMetrics(meterRegistry) : LockMetrics.NONE;
		}

	}

	/**
	 * Registers Spring's infrastructure auto-proxy creator (unless a more capable one is
	 * registered already), with class proxies as Spring Boot uses, so that
	 * {@code @ScheduledOnce} applies without {@code @EnableAspectJAutoProxy}.
	 */
	static final class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
			AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
		}

	}

}

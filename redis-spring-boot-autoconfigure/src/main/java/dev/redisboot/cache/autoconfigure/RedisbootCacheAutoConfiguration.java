package dev.redisboot.cache.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.RedisUsage;
import dev.redisboot.cache.CacheAccessListener;
import dev.redisboot.cache.CacheInvalidator;
import dev.redisboot.cache.CacheMetricsFactory;
import dev.redisboot.cache.CacheServerTiming;
import dev.redisboot.cache.CacheServerTimingFilter;
import dev.redisboot.cache.CacheWarmer;
import dev.redisboot.cache.CacheWarmingListener;
import dev.redisboot.cache.CacheWarmingRunner;
import dev.redisboot.cache.MicrometerCacheMetricsFactory;
import dev.redisboot.cache.NearCacheInvalidation;
import dev.redisboot.cache.RedisbootCacheManager;
import dev.redisboot.core.AccessAuditor;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.autoconfigure.RedisServerClientResourcesCustomizer;
import dev.redisboot.core.autoconfigure.SeparateRedisConnections;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisServerConnection;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;
import io.micrometer.core.instrument.Timer;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizers;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Auto-configuration of the {@link RedisbootCacheManager}: Redis caches with per-cache
 * settings from {@code redisboot.cache.*}, on the application's Lettuce connection, or on a
 * Redis of their own when any {@code redisboot.cache.redis.*} property is set (Boot's
 * {@code spring.data.redis.*} shape; see {@link SeparateRedisConnections}): the caches, their
 * near-cache invalidation channel, warming, load locks, statistics and circuit breaker then
 * use that server, every other feature keeps {@code spring.data.redis.*}. Caching
 * is enabled without {@code @EnableCaching}; a {@link CacheManager} bean of the application's
 * own wins; {@code redisboot.cache.enabled=false} switches the feature off. Runs before
 * Spring Boot's cache auto-configuration, which then backs off; what an application would
 * have customized there is applied here: {@link RedisbootCacheManagerBuilderCustomizer}
 * beans to the builder, then Spring Boot's {@code CacheManagerCustomizer} beans to the
 * built manager, each in order.
 * <p>
 * The caches' circuit breaker is the bean {@value #CIRCUIT_BREAKER_BEAN_NAME}, not a default
 * candidate: another feature's {@code RedisCircuitBreaker} neither replaces it nor is
 * replaced by it; an application replaces it by declaring a bean of that name.
 *
 * @author redisboot
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class },
		beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass({ CacheManager.class, LettuceConnectionFactory.class, JsonMapper.class })
@ConditionalOnBean(LettuceConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "redisboot.cache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisbootCacheProperties.class)
@ImportRuntimeHints(RedisbootCacheRuntimeHints.class)
public final class RedisbootCacheAutoConfiguration {

	/**
	 * Name of the caches' circuit breaker bean.
	 */
	public static final String CIRCUIT_BREAKER_BEAN_NAME = "redisbootCacheCircuitBreaker";

	/**
	 * Name of the bean of the caches' own Redis connection
	 * ({@code redisboot.cache.redis.*}).
	 */
	public static final String CACHE_REDIS_BEAN_NAME = "redisbootCacheRedisConnection";

	/**
	 * The server name of the caches' own Redis in health, metrics and the endpoint.
	 */
	public static final String CACHE_SERVER = "cache";

	private static final String CACHE_REDIS_PREFIX = "redisboot.cache.redis";

	private static final String CACHE_MANAGER_BEAN_NAME = "cacheManager";

	private static final String BOOT_CACHE_MANAGER_CUSTOMIZERS = "org.springframework.boot.cache.autoconfigure."
			+ "CacheManagerCustomizers";

	@Bean(name = CIRCUIT_BREAKER_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(name = CIRCUIT_BREAKER_BEAN_NAME)
	RedisCircuitBreaker redisbootCacheCircuitBreaker(RedisbootCacheProperties properties) {
		return properties.getCircuitBreaker().createBreaker("redisboot.cache.circuit-breaker.");
	}

	/**
	 * The caches' own Redis, when any {@code redisboot.cache.redis.*} property is set.
	 */
	@Bean(name = CACHE_REDIS_BEAN_NAME)
	@ConditionalOnMissingBean(name = CACHE_REDIS_BEAN_NAME)
	@Conditional(OnCacheRedisCondition.class)
	RedisServerConnection redisbootCacheRedisConnection(Environment environment,
			ObjectProvider<ClientResources> clientResources, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<LettuceClientConfigurationBuilderCustomizer> configurationCustomizers,
			ObjectProvider<LettuceClientOptionsBuilderCustomizer> optionsCustomizers,
			ObjectProvider<RedisServerClientResourcesCustomizer> resourcesCustomizers,
			LettuceConnectionFactory applicationConnectionFactory) {
		return SeparateRedisConnections.create(CACHE_SERVER, CACHE_REDIS_PREFIX, environment,
				clientResources.getIfAvailable(applicationConnectionFactory::getClientResources),
				sslBundles.getIfAvailable(), configurationCustomizers, optionsCustomizers, resourcesCustomizers);
	}

	@Bean
	@ConditionalOnMissingBean(CacheManager.class)
	RedisbootCacheManager cacheManager(RedisbootCacheProperties properties,
			LettuceConnectionFactory applicationConnectionFactory,
			@Qualifier(CACHE_REDIS_BEAN_NAME) ObjectProvider<RedisServerConnection> cacheRedis, RedisKeyNamer keyNamer, @Qualifier(CIRCUIT_BREAKER_BEAN_NAME) RedisCircuitBreaker circuitBreaker,
			ConfigurableListableBeanFactory beanFactory, ObjectProvider<CacheMetricsFactory> metricsFactory,
			ObjectProvider<NearCacheInvalidation> nearCacheInvalidation, ObjectProvider<KeyDigester> keyDigester,
			ObjectProvider<CacheAccessListener> accessListeners, ObjectProvider<AccessAuditor> accessAuditor,
			ObjectProvider<RedisbootCacheManagerBuilderCustomizer> customizers) {
		CacheSettingsResolver resolver = new CacheSettingsResolver(properties);
		LettuceConnectionFactory connectionFactory = connectionFactory(applicationConnectionFactory, cacheRedis);
		List<String> applicationPackages = AutoConfigurationPackages.has(beanFactory)
				? AutoConfigurationPackages.get(beanFactory) : List.of();
		RedisbootCacheManager.Builder builder = RedisbootCacheManager
			.builder(connectionFactory, keyNamer, resolver.allowlist(applicationPackages), resolver.defaults())
			.timeout(resolver.timeout())
			.allowUnlisted(properties.isAllowUnlisted())
			.failureMode(properties.getOnFailure())
			.circuitBreaker(circuitBreaker)
			.metrics(metricsFactory.getIfAvailable(() -> CacheMetricsFactory.NONE))
			.nearCacheInvalidation(nearCacheInvalidation.getIfAvailable())
			.refreshThreads(resolver.refreshThreads())
			.keyDigester(keyDigester.getIfAvailable(KeyDigester::unkeyed))
			.audit(resolver.audit(accessAuditor.getIfAvailable()));
		resolver.caches().forEach(builder::cache);
		accessListeners.orderedStream().forEach(builder::accessListener);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		RedisbootCacheManager cacheManager = builder.build();
		return ClassUtils.isPresent(BOOT_CACHE_MANAGER_CUSTOMIZERS, beanFactory.getBeanClassLoader())
				? BootCacheManagerCustomizers.apply(cacheManager, beanFactory) : cacheManager;
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnNearCacheCondition.class)
	NearCacheInvalidation redisbootNearCacheInvalidation(LettuceConnectionFactory applicationConnectionFactory,
			@Qualifier(CACHE_REDIS_BEAN_NAME) ObjectProvider<RedisServerConnection> cacheRedis, RedisKeyNamer keyNamer,
			RedisbootCacheProperties properties) {
		return new NearCacheInvalidation(connectionFactory(applicationConnectionFactory, cacheRedis), keyNamer,
				new CacheSettingsResolver(properties).timeout().multipliedBy(4));
	}

	/**
	 * Makes the {@code @Cacheable} operations of caches with stampede protection or
	 * refresh-ahead synchronized, so their misses reach the cache with the loader.
	 */
	@Bean
	static SynchronizingCacheOperationsPostProcessor redisbootSynchronizingCacheOperations(Environment environment) {
		return new SynchronizingCacheOperationsPostProcessor(environment);
	}

	// declared so that the startup check tests channel rights (redisboot.connection.*)
	@Bean
	@Conditional(OnNearCacheCondition.class)
	RedisUsage redisbootNearCacheUsage(Environment environment) {
		return onCacheServer(RedisUsage.ofChannels("near-cache invalidation"), environment);
	}

	@Bean
	@ConditionalOnBean(RedisbootCacheManager.class)
	RedisUsage redisbootCacheUsage(RedisbootCacheManager cacheManager, Environment environment) {
		return onCacheServer(
				new RedisUsage(RedisUsage.Kind.CACHE, "caches", () -> !cacheManager.getCacheNames().isEmpty()),
				environment);
	}

	private static RedisUsage onCacheServer(RedisUsage usage, Environment environment) {
		return SeparateRedisConnections.isConfigured(environment, CACHE_REDIS_PREFIX) ? usage.onServer(CACHE_SERVER)
				: usage;
	}

	/**
	 * The caches' own connection factory if {@code redisboot.cache.redis.*} configures one,
	 * otherwise the application's.
	 */
	private static LettuceConnectionFactory connectionFactory(LettuceConnectionFactory applicationConnectionFactory,
			ObjectProvider<RedisServerConnection> cacheRedis) {
		RedisServerConnection connection = cacheRedis.getIfAvailable();
		return (connection != null) ? connection.connectionFactory() : applicationConnectionFactory;
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RedisbootCacheManager.class)
	CacheInvalidator cacheInvalidator(RedisbootCacheManager cacheManager) {
		return new CacheInvalidator(cacheManager);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ RedisbootCacheManager.class, CacheWarmer.class })
	CacheWarmingRunner redisbootCacheWarmingRunner(Map<String, CacheWarmer> warmers, RedisbootCacheManager cacheManager,
			RedisbootCacheProperties properties, ObjectProvider<CacheWarmingListener> listener) {
		return new CacheWarmingRunner(warmers, cacheManager, new CacheSettingsResolver(properties).warmingTimeout(),
				properties.getWarming().isWaitForCompletion(), listener.getIfAvailable(() -> CacheWarmingListener.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "redisboot.cache.allow-unlisted", havingValue = false)
	@ConditionalOnBean(RedisbootCacheManager.class)
	UnlistedCacheVerifier redisbootUnlistedCacheVerifier(ConfigurableListableBeanFactory beanFactory,
			RedisbootCacheProperties properties) {
		return new UnlistedCacheVerifier(beanFactory, properties.getCaches().keySet());
	}

	/**
	 * Applies Spring Boot's {@code CacheManagerCustomizer} beans as Boot's cache
	 * auto-configuration does (which backs off for this cache manager): through a
	 * {@code CacheManagerCustomizers} bean if the application declares one, otherwise through
	 * one made of the customizer beans in order, so that each applies only to the cache
	 * manager type it declares. In a class of its own, loaded only when
	 * {@code spring-boot-cache} is on the class path.
	 */
	static final class BootCacheManagerCustomizers {

		private BootCacheManagerCustomizers() {
		}

		@SuppressWarnings({ "rawtypes", "unchecked" })
		static RedisbootCacheManager apply(RedisbootCacheManager cacheManager, ListableBeanFactory beanFactory) {
			CacheManagerCustomizers customizers = beanFactory.getBeanProvider(CacheManagerCustomizers.class)
				.getIfAvailable(() -> new CacheManagerCustomizers((List) beanFactory
					.getBeanProvider(CacheManagerCustomizer.class)
					.orderedStream()
					.toList()));
			return customizers.customize(cacheManager);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class CacheMetricsConfiguration {

		// The registry is looked up when the cache manager asks, not by a bean condition,
		// because Boot's registry auto-configurations are not ordered before this one.
		@Bean
		@ConditionalOnMissingBean
		CacheMetricsFactory redisbootCacheMetricsFactory(ObjectProvider<MeterRegistry> registry,
				@Qualifier(CIRCUIT_BREAKER_BEAN_NAME) RedisCircuitBreaker circuitBreaker) {
			MeterRegistry meterRegistry = registry.getIfAvailable();
			return (meterRegistry != null)
					? new MicrometerCacheMetricsFactory(meterRegistry, CACHE_MANAGER_BEAN_NAME, circuitBreaker)
					: CacheMetricsFactory.NONE;
		}

		@Bean
		@ConditionalOnMissingBean
		CacheWarmingListener redisbootCacheWarmingMetrics(ObjectProvider<MeterRegistry> registry) {
			return (warmer, outcome, nanos) -> registry.ifAvailable((meterRegistry) -> Timer.builder("cache.warming")
				.tag("warmer", warmer)
				.tag("outcome", outcome)
				.description("Time cache warmers ran at startup")
				.register(meterRegistry)
				.record(nanos, TimeUnit.NANOSECONDS));
		}

	}

	/**
	 * The {@code Server-Timing} header of each servlet response, when
	 * {@code redisboot.cache.server-timing.enabled} is set.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ Filter.class, OncePerRequestFilter.class, FilterRegistrationBean.class })
	@ConditionalOnBooleanProperty(name = "redisboot.cache.server-timing.enabled")
	static class ServerTimingConfiguration {

		/**
		 * Name of the filter's registration bean; an application replaces or disables the
		 * filter by declaring a bean of this name.
		 */
		static final String FILTER_BEAN_NAME = "redisbootCacheServerTimingFilter";

		@Bean
		@ConditionalOnMissingBean
		CacheServerTiming redisbootCacheServerTiming(RedisbootCacheProperties properties) {
			return new CacheServerTiming(new CacheSettingsResolver(properties).serverTimingMaxEntries());
		}

		@Bean(FILTER_BEAN_NAME)
		@ConditionalOnMissingBean(name = FILTER_BEAN_NAME)
		FilterRegistrationBean<CacheServerTimingFilter> redisbootCacheServerTimingFilter(CacheServerTiming timing) {
			FilterRegistrationBean<CacheServerTimingFilter> registration = new FilterRegistrationBean<>(
					new CacheServerTimingFilter(timing));
			registration.setName(FILTER_BEAN_NAME);
			// outside the rate limiting, session and security filters: it only lists what ran inside
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
			return registration;
		}

	}

	/**
	 * Matches when any {@code redisboot.cache.redis.*} property is set.
	 */
	static final class OnCacheRedisCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return SeparateRedisConnections.isConfigured(context.getEnvironment(), CACHE_REDIS_PREFIX)
					? ConditionOutcome.match(CACHE_REDIS_PREFIX + ".* is set")
					: ConditionOutcome.noMatch("no " + CACHE_REDIS_PREFIX + ".* property is set");
		}

	}

	/**
	 * Matches when a near cache is enabled, by default or for a listed cache.
	 */
	static final class OnNearCacheCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			RedisbootCacheProperties properties = Binder.get(context.getEnvironment())
				.bind("redisboot.cache", RedisbootCacheProperties.class)
				.orElseGet(RedisbootCacheProperties::new);
			return new CacheSettingsResolver(properties).anyNearCache()
					? ConditionOutcome.match("a near cache is enabled")
					: ConditionOutcome.noMatch("no near cache is enabled");
		}

	}

	/**
	 * Enables caching unless the application did, or brings its own cache manager (member
	 * classes are processed before the bean methods above, so the condition cannot look
	 * for the redisboot cache manager itself). The cache advice wraps transactional advice
	 * (Boot's has the lowest precedence), so a hit opens no transaction and a
	 * {@code @CachePut} writes to Redis after the transaction committed.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean({ CacheAspectSupport.class, CacheManager.class })
	@EnableCaching(order = Ordered.LOWEST_PRECEDENCE - 1)
	static class EnableCachingConfiguration {

	}

}

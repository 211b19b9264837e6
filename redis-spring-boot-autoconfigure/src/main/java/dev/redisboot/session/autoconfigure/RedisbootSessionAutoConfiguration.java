package dev.redisboot.session.autoconfigure;

import java.util.List;

import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.session.NonBlockingSessionIdGenerator;
import dev.redisboot.session.ReactiveRedisbootSessionRepository;
import dev.redisboot.session.ReactiveSessionUnavailableFilter;
import dev.redisboot.session.RedisbootSessionRepository;
import dev.redisboot.session.SessionJsonRedisSerializer;
import dev.redisboot.session.SessionRequestScopeFilter;
import dev.redisboot.session.SessionMetrics;
import dev.redisboot.session.UnreadableAwareSessionMapper;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.session.autoconfigure.DefaultCookieSerializerCustomizer;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.session.autoconfigure.SessionProperties;
import org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration;
import org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;
import org.springframework.session.config.annotation.web.server.SpringWebSessionConfiguration;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.config.ConfigureRedisAction;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.web.server.session.WebSessionManager;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of HTTP sessions in Redis. With
 * {@code spring.session.data.redis.repository-type} {@code default} (Boot's default) the
 * session repository is redisboot's {@link RedisbootSessionRepository}; with {@code indexed}
 * it stays Spring Session's indexed repository, with redisboot's JSON and a keyspace
 * notification set-up that warns instead of failing on managed Redis.
 * <p>
 * The default repository's circuit breaker is the bean {@value #CIRCUIT_BREAKER_BEAN_NAME},
 * not a default candidate: another feature's {@code RedisCircuitBreaker} neither replaces it
 * nor is replaced by it; an application replaces it by declaring a bean of that name.
 *
 * @author redisboot
 */
@AutoConfiguration(before = { SessionDataRedisAutoConfiguration.class, SessionAutoConfiguration.class },
		beforeName = "org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration",
		after = { DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class })
@ConditionalOnClass({ Session.class, RedisIndexedSessionRepository.class, SessionDataRedisAutoConfiguration.class,
		LettuceConnectionFactory.class, JsonMapper.class })
@ConditionalOnWebApplication
@ConditionalOnBooleanProperty(name = "redisboot.session.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ RedisbootSessionProperties.class, SessionDataRedisProperties.class })
public final class RedisbootSessionAutoConfiguration {

	/**
	 * Name of the sessions' circuit breaker bean.
	 */
	public static final String CIRCUIT_BREAKER_BEAN_NAME = "redisbootSessionCircuitBreaker";

	private static final String NAMESPACE_PROPERTY = "spring.session.data.redis.namespace";

	private static final String SECURE_COOKIE_PROPERTY = "server.servlet.session.cookie.secure";

	/**
	 * Declares that sessions are kept in Redis (they want persistence), for operational
	 * advice, once a session repository exists.
	 */
	@Bean
	RedisUsage redisbootSessionUsage(ListableBeanFactory beanFactory) {
		return new RedisUsage(RedisUsage.Kind.SESSIONS, "HTTP sessions",
				() -> beanFactory.getBeanNamesForType(SessionRepository.class, false, false).length > 0);
	}

	/**
	 * Session cookies are {@code Secure} unless {@code server.servlet.session.cookie.secure}
	 * says otherwise (set it to false for local development over plain http), instead of
	 * following whether the request reached the application over https, which behind a
	 * TLS-terminating proxy is usually false. {@code HttpOnly} and {@code SameSite=Lax} are
	 * Spring Session's defaults already.
	 */
	@Bean
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	DefaultCookieSerializerCustomizer redisbootSessionCookieCustomizer(Environment environment) {
		return (serializer) -> {
			if (!environment.containsProperty(SECURE_COOKIE_PROPERTY)) {
				serializer.setUseSecureCookie(true);
			}
		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class SessionMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SessionMetrics redisbootSessionMetrics(ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meterRegistry = registry.getIfAvailable();
			return (meterRegistry != null) ? new MicrometerSessionMetrics(meterRegistry) : SessionMetrics.NONE;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnProperty(name = "spring.session.data.redis.repository-type", havingValue = "default",
			matchIfMissing = true)
	// the repository this imports is checked again when this class's beans are registered: ignore it then
	@ConditionalOnMissingBean(value = SessionRepository.class, ignored = RedisbootSessionRepository.class)
	@ConditionalOnBean(LettuceConnectionFactory.class)
	@Import({ SpringHttpSessionConfiguration.class, RedisbootSessionRepositoryConfiguration.class })
	static class ServletSessionConfiguration {

		/**
		 * Runs just before Spring Session's filter, whatever its configured order.
		 */
		@Bean
		FilterRegistrationBean<SessionRequestScopeFilter> redisbootSessionRequestScopeFilter(
				RedisbootSessionRepository repository, RedisbootSessionProperties properties,
				ObjectProvider<SessionProperties> sessionProperties) {
			FilterRegistrationBean<SessionRequestScopeFilter> registration = new FilterRegistrationBean<>(
					new SessionRequestScopeFilter(repository,
							new SessionSettingsResolver(properties).unavailableRetrySeconds()));
			SessionProperties session = sessionProperties.getIfAvailable();
			int sessionFilterOrder = (session != null) ? session.getServlet().getFilterOrder()
					: SessionRepositoryFilter.DEFAULT_ORDER;
			// at Integer.MIN_VALUE (a filter order nobody should need) both filters share the order and the
			// request scope may not apply: requests then read the session from Redis up to three times
			registration.setOrder((sessionFilterOrder == Integer.MIN_VALUE) ? sessionFilterOrder : sessionFilterOrder - 1);
			registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
			return registration;
		}

	}

	/**
	 * WebFlux: Spring Session's {@code WebSessionManager} (with the {@code WebSessionIdResolver}
	 * that Boot configures from {@code server.reactive.session.cookie.*}) on redisboot's
	 * reactive repository, which shares the servlet repository's storage.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass({ WebSessionManager.class, Mono.class })
	@ConditionalOnProperty(name = "spring.session.data.redis.repository-type", havingValue = "default",
			matchIfMissing = true)
	@ConditionalOnMissingBean(ReactiveSessionRepository.class)
	@ConditionalOnBean(LettuceConnectionFactory.class)
	@Import({ SpringWebSessionConfiguration.class, RedisbootSessionRepositoryConfiguration.class })
	static class ReactiveSessionConfiguration {

		/**
		 * Without a {@code SessionIdGenerator} of the application's, ids come from one that
		 * reads no file on an event loop.
		 */
		@Bean
		ReactiveRedisbootSessionRepository reactiveSessionRepository(RedisbootSessionRepository sessionRepository,
				ObjectProvider<SessionIdGenerator> idGenerator) {
			if (idGenerator.getIfAvailable() == null) {
				sessionRepository.setSessionIdGenerator(new NonBlockingSessionIdGenerator());
			}
			return new ReactiveRedisbootSessionRepository(sessionRepository);
		}

		@Bean
		static SecureSessionCookie redisbootReactiveSessionCookie(Environment environment) {
			return new SecureSessionCookie(environment);
		}

		@Bean
		ReactiveSessionUnavailableFilter redisbootReactiveSessionUnavailableFilter(
				RedisbootSessionProperties properties) {
			return new ReactiveSessionUnavailableFilter(new SessionSettingsResolver(properties).unavailableRetrySeconds());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnProperty(name = "spring.session.data.redis.repository-type", havingValue = "indexed")
	static class IndexedSessionRepositoryConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "springSessionDefaultRedisSerializer")
		SessionJsonRedisSerializer springSessionDefaultRedisSerializer(RedisbootSessionProperties properties,
				BeanFactory beanFactory, ObjectProvider<SessionMetrics> metrics) {
			return new SessionJsonRedisSerializer(
					new SessionSettingsResolver(properties).json(applicationPackages(beanFactory), classLoader(beanFactory)),
					metrics.getIfAvailable(() -> SessionMetrics.NONE));
		}

		@Bean
		@Order(Ordered.LOWEST_PRECEDENCE - 100)
		SessionRepositoryCustomizer<RedisIndexedSessionRepository> redisbootIndexedSessionRepositoryCustomizer(
				Environment environment, SessionDataRedisProperties springSessionProperties, RedisKeyNamer keyNamer) {
			return (repository) -> {
				repository.setRedisSessionMapper(new UnreadableAwareSessionMapper());
				repository.setRedisKeyNamespace(namespace(environment, springSessionProperties, keyNamer));
			};
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnProperty(name = "spring.session.data.redis.configure-action",
				havingValue = "notify-keyspace-events", matchIfMissing = true)
		ConfigureRedisAction configureRedisAction() {
			return new KeyspaceNotificationsAction();
		}

	}

	static String namespace(Environment environment, SessionDataRedisProperties springSessionProperties,
			RedisKeyNamer keyNamer) {
		return environment.containsProperty(NAMESPACE_PROPERTY) ? springSessionProperties.getNamespace()
				: keyNamer.key("session");
	}

	static List<String> applicationPackages(BeanFactory beanFactory) {
		return AutoConfigurationPackages.has(beanFactory) ? AutoConfigurationPackages.get(beanFactory) : List.of();
	}

	static ClassLoader classLoader(BeanFactory beanFactory) {
		ClassLoader classLoader = (beanFactory instanceof ConfigurableBeanFactory configurable)
				? configurable.getBeanClassLoader() : null;
		return (classLoader != null) ? classLoader : RedisbootSessionAutoConfiguration.class.getClassLoader();
	}

}

package dev.redisboot.session.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.codec.EncryptionKeyRing;
import dev.redisboot.core.codec.ValueEnvelope;
import dev.redisboot.core.json.TypedJsonSerializer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.session.KeyspaceNotificationsAction;
import dev.redisboot.session.MicrometerSessionMetrics;
import dev.redisboot.session.RedisbootSessionRepository;
import dev.redisboot.session.SessionAttributeCodec;
import dev.redisboot.session.SessionCleanup;
import dev.redisboot.session.SessionJsonRedisSerializer;
import dev.redisboot.session.SessionRequestScopeFilter;
import dev.redisboot.session.SessionMetrics;
import dev.redisboot.session.UnreadableAwareSessionMapper;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.jspecify.annotations.Nullable;
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
import org.springframework.boot.session.autoconfigure.SessionTimeout;
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
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.SessionRepository;
import org.springframework.session.config.SessionRepositoryCustomizer;
import org.springframework.session.config.annotation.web.http.SpringHttpSessionConfiguration;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.config.ConfigureRedisAction;
import org.springframework.session.web.http.SessionRepositoryFilter;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of HTTP sessions in Redis. With
 * {@code spring.session.data.redis.repository-type} {@code default} (Boot's default) the
 * session repository is redisboot's {@link RedisbootSessionRepository}; with {@code indexed}
 * it stays Spring Session's indexed repository, with redisboot's JSON and a keyspace
 * notification set-up that warns instead of failing on managed Redis.
 *
 * @author redisboot
 */
@AutoConfiguration(before = { SessionDataRedisAutoConfiguration.class, SessionAutoConfiguration.class },
		after = { DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class })
@ConditionalOnClass({ Session.class, RedisIndexedSessionRepository.class, SessionDataRedisAutoConfiguration.class,
		LettuceConnectionFactory.class, JsonMapper.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "redisboot.session.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ RedisbootSessionProperties.class, SessionDataRedisProperties.class })
public final class RedisbootSessionAutoConfiguration {

	private static final String PREFIX = "redisboot.session.";

	private static final String DERIVED_KEY_ID = "key-digest-secret";

	private static final String NAMESPACE_PROPERTY = "spring.session.data.redis.namespace";

	private static final String SECURE_COOKIE_PROPERTY = "server.servlet.session.cookie.secure";

	/**
	 * Session cookies are {@code Secure} unless {@code server.servlet.session.cookie.secure}
	 * says otherwise (set it to false for local development over plain http), instead of
	 * following whether the request reached the application over https, which behind a
	 * TLS-terminating proxy is usually false. {@code HttpOnly} and {@code SameSite=Lax} are
	 * Spring Session's defaults already.
	 */
	@Bean
	RedisUsage redisbootSessionUsage(ListableBeanFactory beanFactory) {
		return new RedisUsage(RedisUsage.Kind.SESSIONS, "HTTP sessions",
				() -> beanFactory.getBeanNamesForType(SessionRepository.class, false, false).length > 0);
	}

	@Bean
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
	@ConditionalOnProperty(name = "spring.session.data.redis.repository-type", havingValue = "default",
			matchIfMissing = true)
	@ConditionalOnMissingBean(SessionRepository.class)
	@ConditionalOnBean(LettuceConnectionFactory.class)
	@Import(SpringHttpSessionConfiguration.class)
	static class RedisbootSessionRepositoryConfiguration {

		@Bean
		RedisbootSessionRepository sessionRepository(RedisbootSessionProperties properties,
				SessionDataRedisProperties springSessionProperties, LettuceConnectionFactory connectionFactory,
				RedisKeyNamer keyNamer, KeyDigester keyDigester, BeanFactory beanFactory, Environment environment,
				ObjectProvider<SessionTimeout> sessionTimeout, ObjectProvider<SessionIdGenerator> idGenerator,
				ObjectProvider<SessionMetrics> metricsProvider,
				ObjectProvider<SessionRepositoryCustomizer<RedisbootSessionRepository>> customizers) {
			if (springSessionProperties.getCleanupCron() != null) {
				throw new InvalidPropertyException("spring.session.data.redis.cleanup-cron",
						springSessionProperties.getCleanupCron(),
						"Cron-based clean-up belongs to Spring Session's indexed repository",
						"Remove it: redisboot's repository cleans up every redisboot.session.cleanup-interval.");
			}
			Duration redisTimeout = positive(PREFIX + "redis-timeout", properties.getRedisTimeout());
			if (properties.getMaxSessionsPerPrincipal() < 0) {
				throw new InvalidPropertyException(PREFIX + "max-sessions-per-principal",
						properties.getMaxSessionsPerPrincipal(), "The maximum must not be negative",
						"Use 0 for no limit, or the most sessions one user may have at once, such as 5.");
			}
			RedisbootSessionRepository repository = new RedisbootSessionRepository(
					new LettuceCommands(connectionFactory, redisTimeout),
					codec(properties, beanFactory),
					namespace(environment, springSessionProperties, keyNamer), keyDigester);
			repository.setSessionIdKeyRing(sessionIdKeyRing(properties, keyDigester));
			Duration timeout = sessionTimeout.getIfAvailable(() -> () -> null).getTimeout();
			if (timeout != null) {
				repository.setDefaultMaxInactiveInterval(timeout);
			}
			repository.setFlushMode(springSessionProperties.getFlushMode());
			repository.setSaveMode(springSessionProperties.getSaveMode());
			repository.setMaxSessionsPerPrincipal(properties.getMaxSessionsPerPrincipal());
			idGenerator.ifAvailable(repository::setSessionIdGenerator);
			SessionMetrics metrics = metricsProvider.getIfAvailable(() -> SessionMetrics.NONE);
			repository.setMetrics(metrics);
			if (metrics instanceof MicrometerSessionMetrics micrometer) {
				micrometer.bindActiveSessions(repository);
			}
			customizers.orderedStream().forEach((customizer) -> customizer.customize(repository));
			return repository;
		}

		/**
		 * Runs just before Spring Session's filter, whatever its configured order.
		 */
		@Bean
		FilterRegistrationBean<SessionRequestScopeFilter> redisbootSessionRequestScopeFilter(
				RedisbootSessionRepository repository, ObjectProvider<SessionProperties> sessionProperties) {
			FilterRegistrationBean<SessionRequestScopeFilter> registration = new FilterRegistrationBean<>(
					new SessionRequestScopeFilter(repository));
			SessionProperties session = sessionProperties.getIfAvailable();
			int sessionFilterOrder = (session != null) ? session.getServlet().getFilterOrder()
					: SessionRepositoryFilter.DEFAULT_ORDER;
			// at Integer.MIN_VALUE (a filter order nobody should need) both filters share the order and the
			// request scope may not apply: requests then read the session from Redis up to three times
			registration.setOrder((sessionFilterOrder == Integer.MIN_VALUE) ? sessionFilterOrder : sessionFilterOrder - 1);
			registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
			return registration;
		}

		@Bean
		@ConditionalOnMissingBean
		SessionCleanup redisbootSessionCleanup(RedisbootSessionRepository repository,
				RedisbootSessionProperties properties) {
			return new SessionCleanup(repository, positive(PREFIX + "cleanup-interval", properties.getCleanupInterval()));
		}

		/**
		 * Session ids are stored encrypted (for findByPrincipalName) with the session
		 * encryption keys if there are any, else with a key derived from the key digest
		 * secret; without either they are not stored.
		 */
		private static @Nullable EncryptionKeyRing sessionIdKeyRing(RedisbootSessionProperties properties,
				KeyDigester keyDigester) {
			EncryptionKeyRing configured = properties.getEncryption().createKeyRing(PREFIX + "encryption.");
			if (configured != null) {
				return configured;
			}
			if (!keyDigester.isKeyed()) {
				return null;
			}
			// an HMAC of a constant under the secret: 192 bits that only the secret's holders can make
			String derived = keyDigester.digest("session-id-encryption-key", "AES-192");
			return EncryptionKeyRing.of(DERIVED_KEY_ID, Map.of(DERIVED_KEY_ID, derived));
		}

		private static SessionAttributeCodec codec(RedisbootSessionProperties properties, BeanFactory beanFactory) {
			TypedJsonSerializer json = SessionJson.create(applicationPackages(beanFactory),
					properties.getAllowedPackages(), classLoader(beanFactory));
			RedisbootSessionProperties.Encryption encryption = properties.getEncryption();
			String encryptionPrefix = PREFIX + "encryption.";
			ValueEnvelope envelope = encryption.isEnabled()
					? ValueEnvelope.defaults()
						.withEncryption(encryption.requireKeyRing(encryptionPrefix, encryptionPrefix + "enabled"))
					: ValueEnvelope.defaults().withDecryptionOnly(encryption.createKeyRing(encryptionPrefix));
			return new SessionAttributeCodec(json, envelope);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "spring.session.data.redis.repository-type", havingValue = "indexed")
	static class IndexedSessionRepositoryConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "springSessionDefaultRedisSerializer")
		SessionJsonRedisSerializer springSessionDefaultRedisSerializer(RedisbootSessionProperties properties,
				BeanFactory beanFactory, ObjectProvider<SessionMetrics> metrics) {
			return new SessionJsonRedisSerializer(SessionJson.create(applicationPackages(beanFactory),
					properties.getAllowedPackages(), classLoader(beanFactory)),
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

	private static String namespace(Environment environment, SessionDataRedisProperties springSessionProperties,
			RedisKeyNamer keyNamer) {
		return environment.containsProperty(NAMESPACE_PROPERTY) ? springSessionProperties.getNamespace()
				: keyNamer.key("session");
	}

	private static List<String> applicationPackages(BeanFactory beanFactory) {
		return AutoConfigurationPackages.has(beanFactory) ? AutoConfigurationPackages.get(beanFactory) : List.of();
	}

	private static Duration positive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidPropertyException(property, value, "The duration must be positive",
					"Use a positive duration such as 1m or 2s.");
		}
		return value;
	}

	private static ClassLoader classLoader(BeanFactory beanFactory) {
		ClassLoader classLoader = (beanFactory instanceof ConfigurableBeanFactory configurable)
				? configurable.getBeanClassLoader() : null;
		return (classLoader != null) ? classLoader : RedisbootSessionAutoConfiguration.class.getClassLoader();
	}

}

package dev.redisboot.session.autoconfigure;

import java.time.Duration;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.session.PrincipalSessionsEndpoint;
import dev.redisboot.session.RedisbootSessionRepository;
import dev.redisboot.session.SessionCleanup;
import dev.redisboot.session.SessionMetrics;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.session.autoconfigure.SessionTimeout;
import org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.config.SessionRepositoryCustomizer;

/**
 * The repository that holds the storage, the settings and {@code PrincipalSessions}, on
 * either web stack: imported by {@link RedisbootSessionAutoConfiguration}'s servlet and
 * reactive configurations, under their conditions.
 *
 * @author redisboot
 */
@Configuration(proxyBeanMethods = false)
final class RedisbootSessionRepositoryConfiguration {

	@Bean(name = RedisbootSessionAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(name = RedisbootSessionAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME)
	RedisCircuitBreaker redisbootSessionCircuitBreaker(RedisbootSessionProperties properties) {
		return new SessionSettingsResolver(properties).circuitBreaker();
	}

	@Bean
	@ConditionalOnMissingBean
	RedisbootSessionRepository sessionRepository(RedisbootSessionProperties properties,
			@Qualifier(RedisbootSessionAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME) RedisCircuitBreaker circuitBreaker,
			SessionDataRedisProperties springSessionProperties, LettuceConnectionFactory connectionFactory,
			RedisKeyNamer keyNamer, KeyDigester keyDigester, BeanFactory beanFactory, Environment environment,
			ObjectProvider<SessionTimeout> sessionTimeout, ObjectProvider<SessionIdGenerator> idGenerator,
			ObjectProvider<SessionMetrics> metricsProvider,
			ObjectProvider<SessionRepositoryCustomizer<RedisbootSessionRepository>> customizers) {
		SessionSettingsResolver settings = new SessionSettingsResolver(properties);
		settings.checkRepositoryProperties(springSessionProperties);
		Duration redisTimeout = settings.redisTimeout();
		int maxSessionsPerPrincipal = settings.maxSessionsPerPrincipal();
		RedisbootSessionRepository repository = new RedisbootSessionRepository(
				new LettuceCommands(connectionFactory, redisTimeout),
				settings.json(RedisbootSessionAutoConfiguration.applicationPackages(beanFactory),
					RedisbootSessionAutoConfiguration.classLoader(beanFactory)),
				settings.attributeEnvelope(), RedisbootSessionAutoConfiguration.namespace(environment, springSessionProperties, keyNamer),
				keyDigester);
		repository.setSessionIdKeyRing(settings.sessionIdKeyRing(keyDigester));
		Duration timeout = sessionTimeout.getIfAvailable(() -> () -> null).getTimeout();
		if (timeout != null) {
			repository.setDefaultMaxInactiveInterval(timeout);
		}
		repository.setFlushMode(springSessionProperties.getFlushMode());
		repository.setSaveMode(springSessionProperties.getSaveMode());
		repository.setMaxSessionsPerPrincipal(maxSessionsPerPrincipal);
		repository.setCircuitBreaker(circuitBreaker);
		idGenerator.ifAvailable(repository::setSessionIdGenerator);
		SessionMetrics metrics = metricsProvider.getIfAvailable(() -> SessionMetrics.NONE);
		repository.setMetrics(metrics);
		if (metrics instanceof MicrometerSessionMetrics micrometer) {
			micrometer.bindActiveSessions(repository);
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(repository));
		return repository;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
	static class PrincipalSessionsEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(PrincipalSessionsEndpoint.class)
		PrincipalSessionsEndpoint principalSessionsEndpoint(RedisbootSessionRepository repository) {
			return new PrincipalSessionsEndpoint(repository);
		}

	}

	@Bean
	@ConditionalOnMissingBean
	SessionCleanup redisbootSessionCleanup(RedisbootSessionRepository repository,
			RedisbootSessionProperties properties) {
		return new SessionCleanup(repository, new SessionSettingsResolver(properties).cleanupInterval());
	}

}

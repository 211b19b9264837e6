package dev.redisboot.pubsub.autoconfigure;

import java.time.Duration;

import dev.redisboot.core.PropertyChecks;
import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.pubsub.JsonPayloadListenerConfigurer;
import dev.redisboot.pubsub.ListenerErrorHandler;
import dev.redisboot.pubsub.ListenerFailureConfigurer;
import dev.redisboot.pubsub.MicrometerPubSubMetrics;
import dev.redisboot.pubsub.PubSubMetrics;
import dev.redisboot.pubsub.RedisPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
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
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.annotation.EnableRedisListeners;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.messaging.Message;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of pub/sub on top of Spring Data
 * Redis's {@code @RedisListener}, which Spring Boot already enables together with the
 * {@code redisMessageListenerContainer}: JSON payloads with the application's
 * {@code JsonMapper}, listener failures counted and logged without ending a subscription,
 * {@code redisboot.pubsub.messages} metrics, and the {@link RedisPublisher}. The publisher's
 * circuit breaker is the bean {@value #CIRCUIT_BREAKER_BEAN_NAME}, not a default candidate:
 * another feature's {@code RedisCircuitBreaker} neither replaces it nor is replaced by it.
 *
 * @author redisboot
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class })
@ConditionalOnClass({ EnableRedisListeners.class, Message.class, LettuceConnectionFactory.class, JsonMapper.class })
@ConditionalOnBean(LettuceConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "redisboot.pubsub.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisbootPubSubProperties.class)
public final class RedisbootPubSubAutoConfiguration {

	/**
	 * Name of the publisher's circuit breaker bean.
	 */
	public static final String CIRCUIT_BREAKER_BEAN_NAME = "redisbootPubSubCircuitBreaker";

	private static final String PREFIX = "redisboot.pubsub.";

	@Bean(name = CIRCUIT_BREAKER_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(name = CIRCUIT_BREAKER_BEAN_NAME)
	RedisCircuitBreaker redisbootPubSubCircuitBreaker(RedisbootPubSubProperties properties) {
		return properties.getCircuitBreaker().createBreaker(PREFIX + "circuit-breaker.");
	}

	@Bean
	@ConditionalOnMissingBean
	ListenerErrorHandler redisbootPubSubErrorHandler(ObjectProvider<PubSubMetrics> metrics) {
		return new ListenerErrorHandler(metrics.getIfAvailable(() -> PubSubMetrics.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	JsonPayloadListenerConfigurer redisbootJsonPayloadListenerConfigurer(ObjectProvider<JsonMapper> jsonMapper) {
		return new JsonPayloadListenerConfigurer(jsonMapper(jsonMapper));
	}

	@Bean
	@ConditionalOnMissingBean
	ListenerFailureConfigurer redisbootListenerFailureConfigurer(ListenerErrorHandler errorHandler,
			ObjectProvider<PubSubMetrics> metrics) {
		return new ListenerFailureConfigurer(errorHandler, metrics.getIfAvailable(() -> PubSubMetrics.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	RedisPublisher redisPublisher(RedisbootPubSubProperties properties, LettuceConnectionFactory connectionFactory,
			ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<PubSubMetrics> metrics,
			@Qualifier(CIRCUIT_BREAKER_BEAN_NAME) RedisCircuitBreaker circuitBreaker) {
		return new RedisPublisher(new LettuceCommands(connectionFactory, timeout(properties)), jsonMapper(jsonMapper),
				metrics.getIfAvailable(() -> PubSubMetrics.NONE), circuitBreaker);
	}

	// declared so that the startup check tests channel rights (redisboot.connection.*)
	@Bean
	@ConditionalOnBean(RedisMessageListenerContainer.class)
	RedisUsage redisbootPubSubUsage() {
		return RedisUsage.ofChannels("pub/sub listeners");
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static BootListenerContainerPostProcessor redisbootListenerContainerPostProcessor(
			ObjectProvider<ListenerErrorHandler> errorHandler, ObjectProvider<PubSubMetrics> metrics,
			ConfigurableListableBeanFactory beanFactory, Environment environment) {
		return new BootListenerContainerPostProcessor(errorHandler, metrics, beanFactory, environment);
	}

	/**
	 * The application's mapper (Spring Boot's, with its {@code spring.jackson.*} settings)
	 * when there is one, so that payloads look like the application's other JSON.
	 */
	private static JsonMapper jsonMapper(ObjectProvider<JsonMapper> jsonMapper) {
		return jsonMapper.getIfUnique(() -> JsonMapper.builder().findAndAddModules().build());
	}

	/**
	 * The publish timeout: the one property to check, here rather than in the properties
	 * class, as in every feature.
	 */
	private static Duration timeout(RedisbootPubSubProperties properties) {
		return PropertyChecks.positive(PREFIX + "timeout", properties.getTimeout(), "1s");
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class PubSubMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PubSubMetrics redisbootPubSubMetrics(ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meterRegistry = registry.getIfAvailable();
			return (meterRegistry != null) ? new MicrometerPubSubMetrics(meterRegistry) : PubSubMetrics.NONE;
		}

	}

}

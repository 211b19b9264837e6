package dev.redisboot.stream.autoconfigure;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.JsonPayloads;
import dev.redisboot.stream.MicrometerStreamMetrics;
import dev.redisboot.stream.StreamListenerContainer;
import dev.redisboot.stream.StreamListenerRegistrar;
import dev.redisboot.stream.StreamMetrics;
import dev.redisboot.stream.StreamKeys;
import dev.redisboot.stream.StreamPublisher;
import dev.redisboot.stream.StreamStore;
import dev.redisboot.stream.StreamsEndpoint;
import dev.redisboot.stream.StreamsEndpointWebExtension;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
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
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of Redis Streams consumers
 * ({@code @RedisStreamListener}), the {@link JobQueue} with its {@code @JobHandler}s, their
 * metrics and the {@code streams} Actuator endpoint. The {@link StreamListenerContainer} is
 * customized by every {@link StreamListenerContainerCustomizer} bean, in order. The
 * producers' circuit breaker ({@link JobQueue} and {@link StreamPublisher}; consumers never
 * use it) is the bean {@value #CIRCUIT_BREAKER_BEAN_NAME}, not a default candidate: another
 * feature's {@code RedisCircuitBreaker} neither replaces it nor is replaced by it.
 *
 * @author redisboot
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class },
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass({ LettuceConnectionFactory.class, JsonMapper.class })
@ConditionalOnBean(LettuceConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "redisboot.stream.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ RedisbootStreamProperties.class, RedisbootJobProperties.class })
public final class RedisbootStreamAutoConfiguration {

	/**
	 * Name of the stream producers' circuit breaker bean.
	 */
	public static final String CIRCUIT_BREAKER_BEAN_NAME = "redisbootStreamCircuitBreaker";

	@Bean(name = CIRCUIT_BREAKER_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(name = CIRCUIT_BREAKER_BEAN_NAME)
	RedisCircuitBreaker redisbootStreamCircuitBreaker(RedisbootStreamProperties properties) {
		return new StreamSettingsResolver(properties).circuitBreaker();
	}

	@Bean
	@ConditionalOnMissingBean
	StreamKeys redisbootStreamKeys(RedisKeyNamer keyNamer, ObjectProvider<KeyDigester> keyDigester) {
		return new StreamKeys(keyNamer, keyDigester.getIfAvailable(KeyDigester::unkeyed));
	}

	@Bean
	@ConditionalOnMissingBean
	StreamStore redisbootStreamStore(RedisbootStreamProperties properties, LettuceConnectionFactory connectionFactory,
			StreamKeys keys) {
		return new StreamStore(new LettuceCommands(connectionFactory, new StreamSettingsResolver(properties).timeout()),
				keys);
	}

	@Bean
	@ConditionalOnMissingBean
	JsonPayloads redisbootStreamPayloads(ObjectProvider<JsonMapper> jsonMapper) {
		return new JsonPayloads(jsonMapper.getIfAvailable(() -> JsonMapper.builder().findAndAddModules().build()));
	}

	@Bean
	@ConditionalOnMissingBean
	StreamListenerContainer redisbootStreamListenerContainer(LettuceConnectionFactory connectionFactory,
			StreamStore store, RedisbootStreamProperties properties, ObjectProvider<StreamMetrics> metrics,
			ObjectProvider<StreamListenerContainerCustomizer> customizers) {
		StreamSettingsResolver resolver = new StreamSettingsResolver(properties);
		StreamListenerContainer container = new StreamListenerContainer(connectionFactory, store,
				metrics.getIfAvailable(() -> StreamMetrics.NONE), resolver.defaults(), resolver.delayedPollInterval(),
				resolver.statsInterval(), resolver.shutdownTimeout());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(container));
		return container;
	}

	@Bean
	StreamListenerRegistrar redisbootStreamListenerRegistrar(ConfigurableListableBeanFactory beanFactory,
			StreamListenerContainer container, JsonPayloads payloads, RedisbootStreamProperties properties,
			RedisbootJobProperties jobs) {
		return new StreamListenerRegistrar(beanFactory, container, payloads,
				new StreamSettingsResolver(properties).jobs(jobs));
	}

	@Bean
	RedisUsage redisbootStreamUsage(StreamListenerContainer container) {
		return new RedisUsage(RedisUsage.Kind.JOBS, "streams and jobs", () -> !container.getSubscriptions().isEmpty());
	}

	@Bean
	@ConditionalOnMissingBean
	JobQueue jobQueue(StreamStore store, JsonPayloads payloads, RedisbootStreamProperties properties,
			RedisbootJobProperties jobs, ObjectProvider<StreamMetrics> metrics,
			@Qualifier(CIRCUIT_BREAKER_BEAN_NAME) RedisCircuitBreaker circuitBreaker) {
		StreamSettingsResolver resolver = new StreamSettingsResolver(properties);
		return new JobQueue(store, payloads, resolver.jobs(jobs), resolver.idempotencyTtl(jobs),
				metrics.getIfAvailable(() -> StreamMetrics.NONE), circuitBreaker);
	}

	@Bean
	@ConditionalOnMissingBean
	StreamPublisher streamPublisher(StreamStore store, JsonPayloads payloads, RedisbootStreamProperties properties,
			ObjectProvider<StreamMetrics> metrics,
			@Qualifier(CIRCUIT_BREAKER_BEAN_NAME) RedisCircuitBreaker circuitBreaker) {
		return new StreamPublisher(store, payloads, new StreamSettingsResolver(properties).defaults().maxLength(),
				metrics.getIfAvailable(() -> StreamMetrics.NONE), circuitBreaker);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class StreamMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		StreamMetrics redisbootStreamMetrics(ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meterRegistry = registry.getIfAvailable();
			return (meterRegistry != null) ? new MicrometerStreamMetrics(meterRegistry) : StreamMetrics.NONE;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
	static class StreamsEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(StreamsEndpoint.class)
		StreamsEndpoint streamsEndpoint(StreamListenerContainer container, StreamStore store,
				RedisbootStreamProperties properties, ObjectProvider<JobQueue> jobs) {
			return new StreamsEndpoint(container, store, new StreamSettingsResolver(properties).defaults().maxLength(),
					jobs.getIfAvailable());
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(StreamsEndpoint.class)
		@ConditionalOnAvailableEndpoint(endpoint = StreamsEndpoint.class, exposure = EndpointExposure.WEB)
		StreamsEndpointWebExtension streamsEndpointWebExtension(StreamsEndpoint endpoint) {
			return new StreamsEndpointWebExtension(endpoint);
		}

	}

}

package dev.redisboot.pubsub.autoconfigure;

import java.time.Duration;

import dev.redisboot.core.autoconfigure.InvalidPropertyFailureAnalyzer;
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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.messaging.Message;
import org.springframework.util.ErrorHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions, beans and property validation of {@link RedisbootPubSubAutoConfiguration}; no
 * Redis is contacted.
 */
class RedisbootPubSubAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RedisbootPubSubAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1");

	@Test
	void addsThePublisherListenerSupportAndMetricsOnBootsListenerContainer() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(RedisPublisher.class)
				.hasSingleBean(ListenerErrorHandler.class)
				.hasSingleBean(JsonPayloadListenerConfigurer.class)
				.hasSingleBean(ListenerFailureConfigurer.class)
				.hasSingleBean(RedisMessageListenerContainer.class);
			assertThat(context.getBean(PubSubMetrics.class)).isInstanceOf(MicrometerPubSubMetrics.class);
			assertThat(context.getBean(RedisMessageListenerContainer.class)).as("Spring Boot's container")
				.extracting("errorHandler")
				.isSameAs(context.getBean(ListenerErrorHandler.class));
		});
	}

	@Test
	void withoutAMeterRegistryNothingIsCounted() {
		this.runner.run((context) -> assertThat(context.getBean(PubSubMetrics.class)).isSameAs(PubSubMetrics.NONE));
	}

	@Test
	void withoutMicrometerNothingIsCounted() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(RedisPublisher.class)
				.doesNotHaveBean(PubSubMetrics.class));
	}

	@Test
	void payloadsUseTheApplicationsJsonMapper() {
		JsonMapper mapper = JsonMapper.builder().build();
		this.runner.withBean(JsonMapper.class, () -> mapper).run((context) -> {
			assertThat(context.getBean(RedisPublisher.class)).extracting("jsonMapper").isSameAs(mapper);
			assertThat(context.getBean(JsonPayloadListenerConfigurer.class)).extracting("jsonMapper").isSameAs(mapper);
		});
	}

	@Test
	void withoutAJsonMapperBeanPayloadsUseAMapperOfTheirOwn() {
		this.runner.run((context) -> assertThat(context.getBean(RedisPublisher.class)).extracting("jsonMapper")
			.isInstanceOf(JsonMapper.class));
	}

	@Test
	void aContainerOfTheApplicationKeepsItsErrorHandler() {
		this.runner.withUserConfiguration(OwnContainerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(RedisMessageListenerContainer.class);
			assertThat(context.getBean(RedisMessageListenerContainer.class)).extracting("errorHandler")
				.isSameAs(OwnContainerConfiguration.ERROR_HANDLER);
		});
	}

	@Test
	void beansOfTheApplicationWin() {
		this.runner.withUserConfiguration(OwnBeansConfiguration.class).run((context) -> {
			assertThat(context.getBean(PubSubMetrics.class)).isSameAs(OwnBeansConfiguration.METRICS);
			assertThat(context.getBean(RedisPublisher.class)).isSameAs(context.getBean("ownPublisher"));
			assertThat(context.getBean(ListenerErrorHandler.class)).isSameAs(context.getBean("ownErrorHandler"));
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("redisboot.pubsub.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RedisPublisher.class)
				.doesNotHaveBean(ListenerFailureConfigurer.class)
				.doesNotHaveBean(JsonPayloadListenerConfigurer.class)
				.doesNotHaveBean(PubSubMetrics.class));
	}

	@Test
	void backsOffWithoutSpringMessaging() {
		this.runner.withClassLoader(new FilteredClassLoader(Message.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisPublisher.class));
	}

	@Test
	void backsOffWithoutJackson() {
		this.runner.withClassLoader(new FilteredClassLoader(JsonMapper.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisPublisher.class));
	}

	@Test
	void backsOffWithoutAConnectionFactory() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisbootAutoConfiguration.class,
					RedisbootPubSubAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisPublisher.class));
	}

	@Test
	void aTimeoutThatIsNotPositiveFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues("redisboot.pubsub.timeout=0s"), "redisboot.pubsub.timeout",
				"must be positive");
		assertFailure(this.runner.withPropertyValues("redisboot.pubsub.circuit-breaker.failure-threshold=0"),
				"redisboot.pubsub.circuit-breaker.failure-threshold", "at least 1");
		assertFailure(this.runner.withPropertyValues("redisboot.pubsub.timeout=-1s"), "redisboot.pubsub.timeout",
				"must be positive");
	}

	@Test
	void thePublisherUsesItsOwnCircuitBreaker() {
		this.runner.run((context) -> assertThat(context.getBean(RedisPublisher.class).getCircuitBreaker())
			.isSameAs(context.getBean(RedisbootPubSubAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME, RedisCircuitBreaker.class)));
	}

	@Test
	void aTimeoutCanBeSet() {
		this.runner.withPropertyValues("redisboot.pubsub.timeout=250ms")
			.run((context) -> assertThat(context.getBean(RedisPublisher.class)).extracting("commands")
				.extracting("timeoutNanos")
				.isEqualTo(250_000_000L));
	}

	private static void assertFailure(ApplicationContextRunner runner, String property, String reason) {
		runner.run((context) -> {
			assertThat(context.getStartupFailure()).as("startup failed").isNotNull();
			FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer(null).analyze(context.getStartupFailure());
			assertThat(analysis).as("analyzed as a wrong property").isNotNull();
			assertThat(analysis.getDescription()).contains(property).contains(reason);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnContainerConfiguration {

		static final ErrorHandler ERROR_HANDLER = (ex) -> {
		};

		@Bean
		RedisMessageListenerContainer redisMessageListenerContainer(RedisConnectionFactory connectionFactory) {
			RedisMessageListenerContainer container = new RedisMessageListenerContainer();
			container.setConnectionFactory(connectionFactory);
			container.setErrorHandler(ERROR_HANDLER);
			return container;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeansConfiguration {

		static final PubSubMetrics METRICS = new PubSubMetrics() {
		};

		@Bean
		PubSubMetrics ownMetrics() {
			return METRICS;
		}

		@Bean
		RedisPublisher ownPublisher(LettuceConnectionFactory connectionFactory) {
			return new RedisPublisher(new LettuceCommands(connectionFactory, Duration.ofSeconds(3)),
					JsonMapper.builder().build(), METRICS);
		}

		@Bean
		ListenerErrorHandler ownErrorHandler() {
			return new ListenerErrorHandler(METRICS);
		}

	}

}

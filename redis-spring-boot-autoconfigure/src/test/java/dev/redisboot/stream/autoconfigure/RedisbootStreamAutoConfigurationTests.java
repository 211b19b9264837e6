package dev.redisboot.stream.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.redisboot.core.autoconfigure.InvalidPropertyFailureAnalyzer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.StreamKeys;
import dev.redisboot.stream.StreamListenerContainer;
import dev.redisboot.stream.StreamPublisher;
import dev.redisboot.stream.StreamsEndpoint;
import dev.redisboot.stream.StreamsEndpointWebExtension;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and validation of {@link RedisbootStreamAutoConfiguration}; no Redis is contacted
 * (there are no listeners, so nothing reads).
 */
class RedisbootStreamAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RedisbootStreamAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1");

	@Test
	void aPriorityThatIsNoPriorityFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("redisboot.jobs.types.export.priority=urgent").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("urgent");
			assertThat(context.getStartupFailure()).hasStackTraceContaining("redisboot.jobs.types.export.priority");
		});
	}

	@Test
	void providesTheQueueThePublisherTheContainerAndTheKeys() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(JobQueue.class)
			.hasSingleBean(StreamPublisher.class)
			.hasSingleBean(StreamListenerContainer.class)
			.hasSingleBean(StreamKeys.class));
	}

	@Test
	void theProducersShareTheirOwnCircuitBreakerWhichABeanOfTheSameNameReplaces() {
		this.runner.withBean("otherCircuitBreaker", RedisCircuitBreaker.class,
				() -> new RedisCircuitBreaker(1, Duration.ofSeconds(1), Clock.systemUTC()))
			.run((context) -> {
				RedisCircuitBreaker breaker = context.getBean(RedisbootStreamAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME,
						RedisCircuitBreaker.class);
				assertThat(context.getBean(JobQueue.class).getCircuitBreaker()).isSameAs(breaker);
				assertThat(context.getBean(StreamPublisher.class).getCircuitBreaker()).isSameAs(breaker);
				assertThat(context.getBean(RedisCircuitBreaker.class)).as("not a default candidate")
					.isSameAs(context.getBean("otherCircuitBreaker"));
			});
		RedisCircuitBreaker own = new RedisCircuitBreaker(1, Duration.ofSeconds(1), Clock.systemUTC());
		this.runner.withBean(RedisbootStreamAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME, RedisCircuitBreaker.class,
				() -> own)
			.run((context) -> assertThat(context.getBean(JobQueue.class).getCircuitBreaker()).isSameAs(own));
	}

	@Test
	void everyContainerCustomizerIsAppliedInOrder() {
		this.runner.withUserConfiguration(Customizers.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(Customizers.class).applied).containsExactly("first", "second");
			StreamListenerContainer container = context.getBean(StreamListenerContainer.class);
			assertThat(context.getBean(Customizers.class).containers).containsOnly(container);
		});
	}

	@Test
	void theContainerKnowsTheDefaultSettings() {
		this.runner.withPropertyValues("redisboot.stream.max-attempts=7", "redisboot.stream.batch-size=3")
			.run((context) -> assertThat(context.getBean(StreamListenerContainer.class).getDefaultSettings())
				.satisfies((settings) -> {
					assertThat(settings.maxAttempts()).isEqualTo(7);
					assertThat(settings.batchSize()).isEqualTo(3);
				}));
	}

	@Test
	void canBeSwitchedOff() {
		this.runner.withPropertyValues("redisboot.stream.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(JobQueue.class)
				.doesNotHaveBean(StreamListenerContainer.class));
	}

	@Test
	void theEndpointIsNotExposedUnlessConfigured() {
		WebApplicationContextRunner web = new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
					RedisbootStreamAutoConfiguration.class, EndpointAutoConfiguration.class,
					WebEndpointAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=1");
		web.run((context) -> assertThat(context).doesNotHaveBean(StreamsEndpoint.class));
		web.withPropertyValues("management.endpoints.web.exposure.include=streams")
			.run((context) -> assertThat(context).hasSingleBean(StreamsEndpoint.class));
		// read-only unless configured
		web.withPropertyValues("management.endpoints.web.exposure.include=streams")
			.run((context) -> assertThat(operations(context)).containsExactlyInAnyOrder("GET streams",
					"GET streams/{stream}", "GET streams/{stream}/{jobId}"));
		// a job's status and its cancellation, and a dead letter's deletion, sit beside the
		// stream's own operations; the web extension answers cancel and delete
		web.withPropertyValues("management.endpoints.web.exposure.include=streams",
				"management.endpoint.streams.access=UNRESTRICTED")
			.run((context) -> {
				assertThat(context).hasSingleBean(StreamsEndpointWebExtension.class);
				assertThat(operations(context)).containsExactlyInAnyOrder("GET streams", "GET streams/{stream}",
						"POST streams/{stream}", "GET streams/{stream}/{jobId}", "POST streams/{stream}/{jobId}",
						"DELETE streams/{stream}/{section}/{id}");
			});
	}

	private static List<String> operations(AssertableWebApplicationContext context) {
		ExposableWebEndpoint streams = context.getBean(WebEndpointsSupplier.class)
			.getEndpoints()
			.stream()
			.filter((endpoint) -> endpoint.getEndpointId().toString().equals("streams"))
			.findFirst()
			.orElseThrow();
		return streams.getOperations()
			.stream()
			.map((operation) -> operation.getRequestPredicate().getHttpMethod() + " "
					+ operation.getRequestPredicate().getPath())
			.toList();
	}

	@Test
	void wrongValuesFailNamingTheProperty() {
		assertFailure("redisboot.stream.max-attempts=0", "redisboot.stream.max-attempts", "from 1 to 1000");
		assertFailure("redisboot.stream.block=0s", "redisboot.stream.block", "must be positive");
		assertFailure("redisboot.stream.reclaim-idle=1s", "redisboot.stream.reclaim-idle", "merely waiting");
		assertFailure("redisboot.stream.backoff-multiplier=0.5", "redisboot.stream.backoff-multiplier",
				"between 1 and 100");
		assertFailure("redisboot.stream.backoff-max=10ms", "redisboot.stream.backoff-max", "shorter than the first");
		assertFailure("redisboot.stream.max-length=0", "redisboot.stream.max-length", "at least 1");
		assertFailure("redisboot.jobs.stream=jo{bs}", "redisboot.jobs.stream", "curly brace");
		assertFailure("redisboot.jobs.concurrency=0", "redisboot.jobs.concurrency", "from 1 to 256");
		assertFailure("redisboot.jobs.idempotency-ttl=0s", "redisboot.jobs.idempotency-ttl", "must be positive");
		assertFailure("redisboot.stream.shutdown-timeout=-1s", "redisboot.stream.shutdown-timeout",
				"must not be negative");
		assertFailure("redisboot.stream.timeout=0s", "redisboot.stream.timeout", "must be positive");
		assertFailure("redisboot.jobs.status-ttl=0s", "redisboot.jobs.status-ttl", "must be positive");
		assertFailure("redisboot.jobs.unique-ttl=-1s", "redisboot.jobs.unique-ttl", "must be positive");
		assertFailure("redisboot.jobs.low-priority-concurrency=0", "redisboot.jobs.low-priority-concurrency",
				"from 1 to 256");
		assertFailure("redisboot.jobs.types.export.concurrency=0", "redisboot.jobs.types.export.concurrency",
				"from 1 to 256");
		assertFailure("redisboot.jobs.types.export.rate-limit.limit=0", "redisboot.jobs.types.export.rate-limit.limit",
				"at least 1");
		assertFailure("redisboot.jobs.types.export.rate-limit.period=0s",
				"redisboot.jobs.types.export.rate-limit.period", "must be positive");
		assertFailure("redisboot.jobs.deferral=0s", "redisboot.jobs.deferral", "must be positive");
		assertFailure("redisboot.stream.circuit-breaker.failure-threshold=0",
				"redisboot.stream.circuit-breaker.failure-threshold", "at least 1");
		assertFailure("redisboot.stream.circuit-breaker.open-duration=0s",
				"redisboot.stream.circuit-breaker.open-duration", "must be positive");
		assertFailureOf("redisboot.jobs.types.export.concurrency", "status-tracking=false",
				"redisboot.jobs.types.export.concurrency=1", "redisboot.jobs.status-tracking=false");
	}

	private void assertFailure(String property, String name, String reason) {
		assertFailureOf(name, reason, property);
	}

	private void assertFailureOf(String name, String reason, String... properties) {
		this.runner.withPropertyValues(properties).run((context) -> {
			Throwable failure = context.getStartupFailure();
			assertThat(failure).as("startup failed for " + String.join(", ", properties)).isNotNull();
			FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer(null).analyze(failure);
			assertThat(analysis).as("analyzed as a wrong property: " + failure).isNotNull();
			assertThat(analysis.getDescription()).contains(name).contains(reason);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		final List<String> applied = new CopyOnWriteArrayList<>();

		final List<StreamListenerContainer> containers = new CopyOnWriteArrayList<>();

		// declared before the first: the order comes from @Order, not from the declaration
		@Bean
		@Order(2)
		StreamListenerContainerCustomizer secondCustomizer() {
			return (container) -> {
				this.applied.add("second");
				this.containers.add(container);
			};
		}

		@Bean
		@Order(1)
		StreamListenerContainerCustomizer firstCustomizer() {
			return (container) -> {
				this.applied.add("first");
				this.containers.add(container);
			};
		}

	}

}

package dev.redisboot.stream.autoconfigure;

import dev.redisboot.core.autoconfigure.InvalidPropertyFailureAnalyzer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.StreamListenerContainer;
import dev.redisboot.stream.StreamPublisher;
import dev.redisboot.stream.StreamsEndpoint;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and validation of {@link RedisStreamsAutoConfiguration}; no Redis is contacted
 * (there are no listeners, so nothing reads).
 */
class RedisStreamsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RedisStreamsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1");

	@Test
	void providesTheQueueThePublisherAndTheContainer() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(JobQueue.class)
			.hasSingleBean(StreamPublisher.class)
			.hasSingleBean(StreamListenerContainer.class));
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
					RedisStreamsAutoConfiguration.class, EndpointAutoConfiguration.class,
					WebEndpointAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=1");
		web.run((context) -> assertThat(context).doesNotHaveBean(StreamsEndpoint.class));
		web.withPropertyValues("management.endpoints.web.exposure.include=streams")
			.run((context) -> assertThat(context).hasSingleBean(StreamsEndpoint.class));
	}

	@Test
	void wrongValuesFailNamingTheProperty() {
		assertFailure("redisboot.stream.max-attempts=0", "redisboot.stream.max-attempts", "between 1 and 1000");
		assertFailure("redisboot.stream.block=0s", "redisboot.stream.block", "must be positive");
		assertFailure("redisboot.stream.reclaim-idle=1s", "redisboot.stream.reclaim-idle", "merely waiting");
		assertFailure("redisboot.stream.backoff-multiplier=0.5", "redisboot.stream.backoff-multiplier",
				"between 1 and 100");
		assertFailure("redisboot.stream.backoff-max=10ms", "redisboot.stream.backoff-max", "shorter than the first");
		assertFailure("redisboot.stream.max-length=0", "redisboot.stream.max-length", "at least 1");
		assertFailure("redisboot.jobs.stream=jo{bs}", "redisboot.jobs.stream", "curly brace");
		assertFailure("redisboot.jobs.concurrency=0", "redisboot.jobs.concurrency", "between 1 and 256");
		assertFailure("redisboot.jobs.idempotency-ttl=0s", "redisboot.jobs.idempotency-ttl", "must be positive");
	}

	private void assertFailure(String property, String name, String reason) {
		this.runner.withPropertyValues(property).run((context) -> {
			Throwable failure = context.getStartupFailure();
			assertThat(failure).as("startup failed for " + property).isNotNull();
			FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer(null).analyze(failure);
			assertThat(analysis).as("analyzed as a wrong property: " + failure).isNotNull();
			assertThat(analysis.getDescription()).contains(name).contains(reason);
		});
	}

}

package dev.redisboot.actuate.autoconfigure;

import java.util.Map;
import java.util.Set;

import dev.redisboot.actuate.RedisServerHealthIndicator;
import dev.redisboot.actuate.RedisServerMetrics;
import dev.redisboot.actuate.SeparateRedisServerMetrics;
import dev.redisboot.actuate.SeparateRedisServers;
import dev.redisboot.core.autoconfigure.InvalidPropertyFailureAnalyzer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.redis.RedisServerConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.actuate.endpoint.SimpleHttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions, validation and the health status order of
 * {@link RedisbootObservabilityAutoConfiguration}; no Redis is contacted.
 */
class RedisbootObservabilityAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RedisbootObservabilityAutoConfiguration.class, DataRedisHealthContributorAutoConfiguration.class,
				DataRedisReactiveHealthContributorAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1");

	@Test
	void replacesBootsRedisHealthContributor() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			Map<String, Object> contributors = context.getBeansOfType(Object.class)
				.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().startsWith("redisHealth"))
				.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
			assertThat(contributors).containsOnlyKeys("redisHealthContributor");
			assertThat(contributors.get("redisHealthContributor")).isInstanceOf(RedisServerHealthIndicator.class);
		});
	}

	@Test
	void backsOffForTheApplicationsOwnIndicator() {
		this.runner.withBean("redisHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
			.run((context) -> assertThat(context).doesNotHaveBean(RedisServerHealthIndicator.class)
				.doesNotHaveBean("redisHealthContributor")
				.hasSingleBean(HealthContributor.class));
	}

	@Test
	void followsBootsSwitchForRedisHealth() {
		this.runner.withPropertyValues("management.health.redis.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RedisServerHealthIndicator.class)
				.doesNotHaveBean("redisHealthContributor"));
	}

	@Test
	void serverMetricsCanBeSwitchedOff() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(RedisServerMetrics.class));
		this.runner.withPropertyValues("redisboot.observability.server-metrics.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RedisServerMetrics.class));
	}

	@Test
	void aSeparateRedisGetsAHealthContributorAndServerMetricsOfItsOwn() {
		ApplicationContextRunner withMeters = this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new);
		withMeters.run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean("redisServersHealthContributor")
				.doesNotHaveBean(SeparateRedisServerMetrics.class);
			assertThat(context.getBean(SeparateRedisServers.class).isEmpty()).isTrue();
		});
		// as the cache auto-configuration declares it for redisboot.cache.redis.*
		withMeters.withBean("redisbootCacheRedisConnection", RedisServerConnection.class,
				() -> new RedisServerConnection("cache", "redisboot.cache.redis", new LettuceConnectionFactory(), () -> {
				}))
			.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(SeparateRedisServerMetrics.class);
			assertThat(context.getBean("redisServersHealthContributor", CompositeHealthContributor.class)
				.getContributor("cache")).isInstanceOf(RedisServerHealthIndicator.class);
			assertThat(context.getBean(SeparateRedisServers.class).servers())
				.extracting(SeparateRedisServers.Server::name, SeparateRedisServers.Server::propertyPrefix)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("cache", "redisboot.cache.redis"));
		});
	}

	@Test
	void wrongValuesFailNamingTheProperty() {
		assertFailure("redisboot.observability.health.memory-warning-threshold=150",
				"redisboot.observability.health.memory-warning-threshold", "from 1 to 100");
		assertFailure("redisboot.observability.health.memory-warning-threshold=0",
				"redisboot.observability.health.memory-warning-threshold", "from 1 to 100");
		assertFailure("redisboot.observability.timeout=0s", "redisboot.observability.timeout", "must be positive");
		assertFailure("redisboot.observability.server-metrics.interval=-1s",
				"redisboot.observability.server-metrics.interval", "must be positive");
		assertFailure("redisboot.observability.big-keys.top=0", "redisboot.observability.big-keys.top",
				"at least 1");
		assertFailure("redisboot.observability.big-keys.max-keys=0", "redisboot.observability.big-keys.max-keys",
				"at least 1");
		assertFailure("redisboot.observability.health.cache-time-to-live=-1s",
				"redisboot.observability.health.cache-time-to-live", "must not be negative");
	}

	@Test
	void warningIsOrderedBetweenOutOfServiceAndUp() {
		StandardEnvironment environment = new StandardEnvironment();
		new HealthStatusOrderEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		String order = environment.getProperty("management.endpoint.health.status.order");
		assertThat(order).isEqualTo("DOWN,OUT_OF_SERVICE,WARNING,UP,UNKNOWN");
		StatusAggregator aggregator = StatusAggregator.of(order.split(","));
		assertThat(aggregator.getAggregateStatus(Set.of(Status.UP, RedisServerHealthIndicator.WARNING)))
			.isEqualTo(RedisServerHealthIndicator.WARNING);
		assertThat(aggregator.getAggregateStatus(Set.of(Status.DOWN, RedisServerHealthIndicator.WARNING)))
			.isEqualTo(Status.DOWN);
		// without the order, Boot's aggregator would not see the warning at all
		assertThat(StatusAggregator.getDefault().getAggregateStatus(Set.of(Status.UP, RedisServerHealthIndicator.WARNING)))
			.isEqualTo(Status.UP);
		// and Boot maps every status but DOWN and OUT_OF_SERVICE to 200
		assertThat(new SimpleHttpCodeStatusMapper().getStatusCode(RedisServerHealthIndicator.WARNING)).isEqualTo(200);
	}

	@Test
	void anApplicationsOwnStatusOrderIsKept() {
		MockEnvironment environment = new MockEnvironment().withProperty("management.endpoint.health.status.order",
				"DOWN,UP");
		new HealthStatusOrderEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("management.endpoint.health.status.order")).isEqualTo("DOWN,UP");
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

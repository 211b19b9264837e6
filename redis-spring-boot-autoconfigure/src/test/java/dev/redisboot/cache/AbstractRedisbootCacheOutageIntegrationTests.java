package dev.redisboot.cache;

import java.time.Duration;

import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Redis stops in the middle of a test: cached methods keep answering, nothing reaches the
 * caller, the circuit breaker opens, and caching resumes by itself once Redis is back. Run on
 * a deployment of the test's own, on standalone and Cluster.
 */
abstract class AbstractRedisbootCacheOutageIntegrationTests {

	private ApplicationContextRunner runner(RedisDeployment redis) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
					RedisbootCacheAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, redis::connectionDetails)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(ProductService.class)
			.withPropertyValues("redisboot.key-prefix=outage", "redisboot.cache.allowed-packages=dev.redisboot.cache.fixtures",
					"redisboot.cache.timeout=300ms", "redisboot.cache.circuit-breaker.failure-threshold=2",
					"redisboot.cache.circuit-breaker.open-duration=500ms");
	}

	protected void degradesWhileRedisIsDownAndRecovers(RedisDeployment redis, Runnable awaitHealthy) {
		runner(redis).run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			RedisbootCacheManager cacheManager = context.getBean(RedisbootCacheManager.class);
			assertThat(service.find(1).name()).isEqualTo("product-1");
			assertThat(service.find(1).name()).isEqualTo("product-1");
			assertThat(service.findCount()).isEqualTo(1);
			for (RedisNode node : redis.nodes()) {
				node.kill();
			}
			for (int i = 0; i < 10; i++) {
				assertThat(service.find(1).name()).as("the method's result still comes back").isEqualTo("product-1");
			}
			assertThat(service.findCount()).as("every call ran the method").isEqualTo(11);
			assertThat(cacheManager.getCircuitBreaker().isOpen()).isTrue();
			assertThat(cacheManager.getCircuitBreaker().skippedCalls()).isPositive();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("cache.redis.errors").tag("cache", "products").counter().count()).isPositive();
			assertThat(registry.get("cache.dropped").tag("cache", "products").counter().count()).isPositive();
			assertThat(registry.get("cache.circuit.open").gauge().value()).isEqualTo(1);
			context.getBean(CacheManager.class).getCache("products").evict(1L);
			for (RedisNode node : redis.nodes()) {
				node.start();
			}
			awaitHealthy.run();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				service.find(2);
				assertThat(context.getBean(StringRedisTemplate.class).hasKey("outage:cache:products:2")).isTrue();
			});
			int before = service.findCount();
			service.find(2);
			assertThat(service.findCount()).as("served from Redis again").isEqualTo(before);
			assertThat(cacheManager.getCircuitBreaker().isOpen()).isFalse();
		});
	}

	protected void failModeThrows(RedisDeployment redis) {
		runner(redis).withPropertyValues("redisboot.cache.on-failure=fail").run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			service.find(1);
			for (RedisNode node : redis.nodes()) {
				node.kill();
			}
			try {
				assertThatExceptionOfType(RedisCommandException.class).isThrownBy(() -> service.find(3));
			}
			finally {
				for (RedisNode node : redis.nodes()) {
					node.start();
				}
			}
		});
	}

}

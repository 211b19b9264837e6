package dev.redisboot.cache;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.redisboot.NonBlockingTest;
import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.cache.fixtures.Product;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.redisboot.cache.AbstractCacheRetrieveIntegrationTests.onEventLoop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Redis stops while {@code retrieve} is in use: with {@code on-failure: degrade} every call
 * still completes with the loader's value (never an error), the circuit breaker opens, and
 * caching resumes once Redis is back; with {@code fail} the future completes with the error.
 * Non-blocking throughout, on a server of the test's own.
 */
@NonBlockingTest
@WithRedis(isolated = true)
class CacheRetrieveOutageIntegrationTests {

	private ApplicationContextRunner runner(StandaloneRedis redis) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
					RedisbootCacheAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, redis::connectionDetails)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("redisboot.key-prefix=retrieve-outage",
					"redisboot.cache.allowed-packages=dev.redisboot.cache.fixtures", "redisboot.cache.timeout=300ms",
					"redisboot.cache.circuit-breaker.failure-threshold=2",
					"redisboot.cache.circuit-breaker.open-duration=500ms");
	}

	@Test
	void degradesToTheLoaderWhileRedisIsDownAndRecovers(StandaloneRedis redis) {
		runner(redis).run((context) -> {
			Cache products = context.getBean(CacheManager.class).getCache("products");
			RedisbootCacheManager manager = context.getBean(RedisbootCacheManager.class);
			AtomicInteger loads = new AtomicInteger();
			Supplier<CompletableFuture<Product>> loader = () -> CompletableFuture
				.completedFuture(ProductService.product(1, "load-" + loads.incrementAndGet()));
			assertThat(onEventLoop(() -> products.retrieve(1L, loader)).name()).isEqualTo("load-1");
			assertThat(onEventLoop(() -> products.retrieve(1L, loader)).name()).isEqualTo("load-1");
			redis.node().kill();
			try {
				for (int i = 0; i < 6; i++) {
					assertThat(onEventLoop(() -> products.retrieve(1L, loader)).name()).as("the loader's value")
						.isEqualTo("load-" + (i + 2));
					assertThat(onEventLoop(() -> products.retrieve(1L))).as("a miss, not an error").isNull();
				}
				assertThat(manager.getCircuitBreaker().isOpen()).isTrue();
				assertThat(manager.getCircuitBreaker().skippedCalls()).isPositive();
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("cache.redis.errors").tag("cache", "products").counter().count()).isPositive();
				assertThat(registry.get("cache.gets").tag("cache", "products").tag("result", "miss").counter().count())
					.isEqualTo(13);
			}
			finally {
				redis.node().start();
			}
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				onEventLoop(() -> products.retrieve(2L,
						() -> CompletableFuture.completedFuture(ProductService.product(2, "back"))));
				assertThat(context.getBean(StringRedisTemplate.class).hasKey("retrieve-outage:cache:products:2")).isTrue();
			});
			assertThat(manager.getCircuitBreaker().isOpen()).isFalse();
		});
	}

	@Test
	void failModeCompletesTheFutureWithTheError(StandaloneRedis redis) {
		runner(redis).withPropertyValues("redisboot.cache.on-failure=fail", "redisboot.cache.timeout=2s").run((context) -> {
			Cache products = context.getBean(CacheManager.class).getCache("products");
			onEventLoop(() -> products.retrieve(1L,
					() -> CompletableFuture.completedFuture(ProductService.product(1, "one"))));
			redis.node().kill();
			try {
				assertThatExceptionOfType(RedisCommandException.class)
					.isThrownBy(() -> onEventLoop(() -> products.retrieve(3L)));
			}
			finally {
				redis.node().start();
			}
		});
	}

}

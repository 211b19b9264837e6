package dev.redisboot.cache;

import java.time.Duration;
import java.util.function.Supplier;

import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.test.RedisNode;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis that is up but does not answer (the process is frozen: connections stay open,
 * nothing is answered), under a cache with a near cache: near-cache hits are served without
 * Redis; a miss runs the method within a few command timeouts until the breaker opens, then
 * at once; puts and evictions are dropped without reaching the caller (an eviction still
 * removes the entry from the near cache); and caching resumes by itself. The server is the
 * class's own: it is paused.
 */
@WithRedis(isolated = true)
class CacheHungRedisIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	@Test
	void aFrozenRedisDegradesEveryCacheOperationWithinTheTimeoutAndCachingResumes(StandaloneRedis redis) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
					RedisbootCacheAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, redis::connectionDetails)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(ProductService.class)
			.withPropertyValues("redisboot.key-prefix=hung", "redisboot.cache.allowed-packages=dev.redisboot.cache.fixtures",
					"redisboot.cache.timeout=" + TIMEOUT.toMillis() + "ms",
					"redisboot.cache.circuit-breaker.failure-threshold=2",
					"redisboot.cache.circuit-breaker.open-duration=2s",
					"redisboot.cache.caches.products.near-cache.enabled=true")
			.run((context) -> {
				ProductService service = context.getBean(ProductService.class);
				RedisbootCacheManager cacheManager = context.getBean(RedisbootCacheManager.class);
				Cache products = context.getBean(CacheManager.class).getCache("products");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				// near caches serve only once the invalidation channel is subscribed (slow on a loaded machine)
				await().atMost(Duration.ofSeconds(30))
					.until(() -> context.getBean(NearCacheInvalidation.class).isSubscribed());
				assertThat(service.find(1).name()).isEqualTo("product-1");
				assertThat(service.find(1).name()).isEqualTo("product-1");
				assertThat(service.findCount()).isEqualTo(1);
				RedisNode node = redis.node();
				node.pause();
				try {
					assertThat(timed(() -> service.find(1).name(), Duration.ofSeconds(1)))
						.as("a near-cache hit needs no Redis")
						.isEqualTo("product-1");
					assertThat(service.findCount()).isEqualTo(1);
					// a synchronized load: the read and the load lock each wait for the timeout, then the breaker opens
					assertThat(timed(() -> service.find(2).name(), TIMEOUT.multipliedBy(3).plusSeconds(2)))
						.isEqualTo("product-2");
					assertThat(service.findCount()).isEqualTo(2);
					assertThat(cacheManager.getCircuitBreaker().isOpen()).isTrue();
					assertThat(registry.get("cache.circuit.open").gauge().value()).isEqualTo(1);
					// with the breaker open, nothing waits for Redis
					assertThat(timed(() -> service.find(3).name(), TIMEOUT)).isEqualTo("product-3");
					timed(() -> {
						products.put(4L, ProductService.product(4, "put"));
						products.evict(1L);
						return null;
					}, TIMEOUT);
					assertThat(service.find(1).name()).as("evicted from the near cache").isEqualTo("product-1");
					assertThat(service.findCount()).isEqualTo(4);
					assertThat(registry.get("cache.dropped").tag("cache", "products").counter().count())
						.as("the put and the eviction").isGreaterThanOrEqualTo(2);
					assertThat(registry.get("cache.redis.errors").tag("cache", "products").counter().count())
						.isGreaterThanOrEqualTo(2);
				}
				finally {
					node.resume();
				}
				StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
					service.find(5);
					assertThat(template.hasKey("hung:cache:products:5")).isTrue();
				});
				int before = service.findCount();
				assertThat(service.find(5).name()).isEqualTo("product-5");
				assertThat(service.findCount()).as("served from the cache again").isEqualTo(before);
				assertThat(cacheManager.getCircuitBreaker().isOpen()).isFalse();
				assertThat(registry.get("cache.circuit.open").gauge().value()).isZero();
			});
	}

	private static <T> T timed(Supplier<T> call, Duration bound) {
		long started = System.nanoTime();
		T result = call.get();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(bound);
		return result;
	}

}

package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.cache.fixtures.Product;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.test.RedisDeployment;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the cache integration tests share: a context runner with the redisboot cache
 * auto-configuration on the subclass's Redis, and raw access to what is stored. Every test
 * uses its own key prefix, so tests sharing a server do not interfere.
 */
abstract class CacheIntegrationTestSupport {

	private String prefix;

	protected abstract RedisDeployment redis();

	@BeforeEach
	void newPrefix() {
		this.prefix = "it-" + UUID.randomUUID().toString().substring(0, 8);
	}

	protected ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
					RedisbootCacheAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, () -> redis().connectionDetails())
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(ProductService.class)
			.withPropertyValues("redisboot.key-prefix=" + this.prefix,
					"redisboot.cache.allowed-packages=dev.redisboot.cache.fixtures",
					"redisboot.cache.caches.products.ttl=15m", "redisboot.cache.caches.lookups.cache-nulls=true",
					"redisboot.cache.caches.lookups.null-ttl=30s");
	}

	protected String prefix() {
		return this.prefix;
	}

	protected String key(String cache, Object key) {
		return this.prefix + ":cache:" + cache + ":" + key;
	}

	protected static long pttl(AssertableApplicationContext context, String key) {
		return context.getBean(StringRedisTemplate.class).getExpire(key, java.util.concurrent.TimeUnit.MILLISECONDS);
	}

	protected static byte[] raw(AssertableApplicationContext context, String key) {
		return context.getBean(StringRedisTemplate.class)
			.execute((RedisCallback<byte[]>) (connection) -> connection.stringCommands()
				.get(key.getBytes(StandardCharsets.UTF_8)));
	}

	protected static void writeRaw(AssertableApplicationContext context, String key, byte[] value) {
		context.getBean(StringRedisTemplate.class)
			.execute((RedisCallback<Boolean>) (connection) -> connection.stringCommands()
				.set(key.getBytes(StandardCharsets.UTF_8), value));
	}

	protected static double count(AssertableApplicationContext context, String name, String cache, String... tags) {
		var search = context.getBean(MeterRegistry.class).find(name).tag("cache", cache);
		for (int i = 0; i < tags.length; i += 2) {
			search = search.tag(tags[i], tags[i + 1]);
		}
		// summed over the tags not asked for, such as the causes of cache.decode.errors
		var counters = search.counters();
		return counters.isEmpty() ? -1 : counters.stream().mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
	}

	protected static Set<String> scan(AssertableApplicationContext context, String pattern) {
		StringRedisTemplate template = context.getBean(StringRedisTemplate.class);
		try (var cursor = template.scan(org.springframework.data.redis.core.ScanOptions.scanOptions()
			.match(pattern)
			.count(1000)
			.build())) {
			return new java.util.HashSet<>(cursor.stream().toList());
		}
	}

}

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
import dev.redisboot.core.CacheStatistics;
import dev.redisboot.core.CacheStatisticsProvider;
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
 * Behaviour of redisboot caches against a real Redis; run on standalone and Cluster by the
 * subclasses.
 */
abstract class AbstractRedisbootCacheIntegrationTests extends CacheIntegrationTestSupport {

	@Test
	void cachesWithoutEnableCachingAndKeysFollowTheConvention() {
		runner().run((context) -> {
			assertThat(context).hasSingleBean(RedisbootCacheManager.class);
			ProductService service = context.getBean(ProductService.class);
			assertThat(service.find(42).name()).isEqualTo("product-42");
			assertThat(service.find(42).name()).isEqualTo("product-42");
			assertThat(service.findCount()).isEqualTo(1);
			assertThat(raw(context, key("products", 42))).isNotNull();
			assertThat(count(context, "cache.gets", "products", "result", "hit")).isEqualTo(1);
			assertThat(count(context, "cache.gets", "products", "result", "miss")).isEqualTo(1);
			assertThat(count(context, "cache.puts", "products")).isEqualTo(1);
		});
	}

	@Test
	void perCacheTtlAndDefaultTtlAreStoredInRedis() {
		runner().withPropertyValues("redisboot.cache.default-ttl=2h").run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			service.find(1);
			service.stat("visits");
			assertThat(pttl(context, key("products", 1))).isBetween(Duration.ofMinutes(15).minusSeconds(5).toMillis(),
					Duration.ofMinutes(15).toMillis());
			assertThat(pttl(context, key("stats", "visits"))).isBetween(Duration.ofHours(2).minusSeconds(5).toMillis(),
					Duration.ofHours(2).toMillis());
		});
	}

	@Test
	void jitterSpreadsTtlsBelowTheConfiguredTtl() {
		runner().withPropertyValues("redisboot.cache.caches.products.ttl-jitter=20%").run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			List<Long> ttls = new ArrayList<>();
			for (int id = 0; id < 40; id++) {
				service.find(id);
				ttls.add(pttl(context, key("products", id)));
			}
			long ttl = Duration.ofMinutes(15).toMillis();
			assertThat(ttls).allSatisfy((pttl) -> assertThat(pttl).isBetween((long) (ttl * 0.8) - 5000, ttl));
			long spread = ttls.stream().mapToLong(Long::longValue).max().getAsLong()
					- ttls.stream().mapToLong(Long::longValue).min().getAsLong();
			assertThat(spread).as("TTLs of entries written together differ").isGreaterThan(ttl / 20);
		});
	}

	@Test
	void corruptBytesAreAMissAndAreDeleted() {
		runner().run((context) -> {
			Cache cache = context.getBean(CacheManager.class).getCache("products");
			writeRaw(context, key("products", 7), new byte[] { (byte) 0xC1, 1, 0, 0, 42, 17 });
			assertThat(cache.get(7L)).isNull();
			assertThat(raw(context, key("products", 7))).as("the unreadable entry is gone").isNull();
			assertThat(count(context, "cache.decode.errors", "products")).isEqualTo(1);
			ProductService service = context.getBean(ProductService.class);
			writeRaw(context, key("products", 8), "{not json".getBytes(StandardCharsets.UTF_8));
			assertThat(service.find(8).name()).isEqualTo("product-8");
			assertThat(service.findCount()).isEqualTo(1);
		});
	}

	@Test
	void aValueOfAClassThatChangedShapeIsAMiss() {
		runner().run((context) -> {
			String json = "{\"@class\":\"dev.redisboot.cache.fixtures.Product\",\"id\":9,\"name\":\"old\","
					+ "\"price\":1.5,\"tags\":[],\"discontinued\":true}";
			writeRaw(context, key("products", 9), json.getBytes(StandardCharsets.UTF_8));
			ProductService service = context.getBean(ProductService.class);
			assertThat(service.find(9).name()).isEqualTo("product-9");
			assertThat(service.findCount()).isEqualTo(1);
		});
	}

	@Test
	void typesOutsideTheAllowlistAreNeverCreatedFromRedis() {
		runner().run((context) -> {
			dev.redisboot.cache.gadget.Gadget.created.set(false);
			Cache cache = context.getBean(CacheManager.class).getCache("stats");
			String gadget = "{\"@class\":\"dev.redisboot.cache.gadget.Gadget\",\"command\":\"rm -rf /\"}";
			writeRaw(context, key("stats", "root"), gadget.getBytes(StandardCharsets.UTF_8));
			writeRaw(context, key("stats", "nested"),
					("[\"java.util.ArrayList\",[" + gadget + "]]").getBytes(StandardCharsets.UTF_8));
			writeRaw(context, key("stats", "field"), ("{\"@class\":\"dev.redisboot.cache.fixtures.Holder\","
					+ "\"content\":" + gadget + "}").getBytes(StandardCharsets.UTF_8));
			assertThat(cache.get("root")).isNull();
			assertThat(cache.get("nested")).isNull();
			assertThat(cache.get("field")).isNull();
			assertThat(dev.redisboot.cache.gadget.Gadget.created).as("the gadget was never instantiated").isFalse();
			assertThat(count(context, "cache.decode.errors", "stats")).isEqualTo(3);
			cache.put("thread", new Thread("not-allowed"));
			assertThat(raw(context, key("stats", "thread"))).as("a type outside the allowlist is not stored").isNull();
		});
	}

	@Test
	void objectTypedPropertiesOfAllowedTypesRoundTrip() {
		runner().run((context) -> {
			Cache cache = context.getBean(CacheManager.class).getCache("stats");
			dev.redisboot.cache.fixtures.Holder holder = new dev.redisboot.cache.fixtures.Holder(
					ProductService.product(1, "inside"));
			cache.put("holder", holder);
			assertThat(cache.get("holder").get()).isEqualTo(holder);
		});
	}

	@Test
	void nullsAreCachedWithTheirOwnShorterTtlOnlyWhereConfigured() {
		runner().run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			assertThat(service.lookup(404)).isNull();
			assertThat(service.lookup(404)).isNull();
			assertThat(service.lookupCount()).isEqualTo(1);
			assertThat(pttl(context, key("lookups", 404))).isBetween(25_000L, 30_000L);
			Cache products = context.getBean(CacheManager.class).getCache("products");
			products.put(405L, null);
			assertThat(raw(context, key("products", 405))).as("products does not cache nulls").isNull();
		});
	}

	@Test
	void timeToIdleExtendsAnEntryOnRead() {
		runner().withPropertyValues("redisboot.cache.caches.products.time-to-idle=10m").run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			service.find(3);
			context.getBean(StringRedisTemplate.class).expire(key("products", 3), Duration.ofSeconds(5));
			service.find(3);
			assertThat(pttl(context, key("products", 3))).isGreaterThan(Duration.ofMinutes(9).toMillis());
		});
	}

	@Test
	void cachePutWritesThroughAndCacheEvictRemoves() {
		runner().run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			service.find(5);
			service.update(ProductService.product(5, "renamed"));
			assertThat(service.find(5).name()).isEqualTo("renamed");
			assertThat(service.findCount()).isEqualTo(1);
			service.remove(5);
			assertThat(raw(context, key("products", 5))).isNull();
			assertThat(count(context, "cache.evictions", "products")).isEqualTo(1);
		});
	}

	@Test
	void syncGetLoadsOnceAndRecordsTheLoadTime() {
		runner().run((context) -> {
			Cache cache = context.getBean(CacheManager.class).getCache("products");
			Product first = cache.get(77L, () -> ProductService.product(77, "loaded"));
			Product second = cache.get(77L, () -> ProductService.product(77, "not-called"));
			assertThat(first).isEqualTo(second);
			assertThat(context.getBean(MeterRegistry.class).get("cache.load").tag("cache", "products").timer().count())
				.isEqualTo(1);
		});
	}

	@Test
	void concurrentSyncMissesOnOneKeyRunTheLoaderOnce() {
		runner().run((context) -> {
			Cache cache = context.getBean(CacheManager.class).getCache("products");
			java.util.concurrent.atomic.AtomicInteger loaderCalls = new java.util.concurrent.atomic.AtomicInteger();
			java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
			java.util.concurrent.Callable<Product> loader = () -> {
				loaderCalls.incrementAndGet();
				release.await();
				return ProductService.product(88, "loaded-once");
			};
			List<Product> results = java.util.Collections.synchronizedList(new ArrayList<>());
			List<Thread> threads = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				threads.add(new Thread(() -> results.add(cache.get(88L, loader))));
			}
			threads.forEach(Thread::start);
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> threads.stream().allMatch((thread) -> thread.getState() == Thread.State.WAITING));
			release.countDown();
			for (Thread thread : threads) {
				thread.join(10_000);
			}
			assertThat(loaderCalls).hasValue(1);
			assertThat(results).hasSize(8).allSatisfy((product) -> assertThat(product.name()).isEqualTo("loaded-once"));
		});
	}

	@Test
	void clearRemovesEveryKeyOfTheCacheAndNothingElse() {
		runner().run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			for (int id = 0; id < 60; id++) {
				service.find(id);
			}
			service.stat("kept");
			Set<String> before = scan(context, key("products", "*"));
			assertThat(before).hasSize(60);
			context.getBean(CacheManager.class).getCache("products").clear();
			assertThat(scan(context, key("products", "*"))).isEmpty();
			assertThat(count(context, "cache.evictions", "products")).as("every removed entry counts").isEqualTo(60);
			assertThat(raw(context, key("stats", "kept"))).isNotNull();
		});
	}

	@Test
	void invalidatorMatchesUserPartsLiterally() {
		runner().run((context) -> {
			Cache cache = context.getBean(CacheManager.class).getCache("stats");
			cache.put("tenant*:1", 1L);
			cache.put("tenant1:1", 2L);
			cache.put("tenantX:2", 3L);
			CacheInvalidator invalidator = context.getBean(CacheInvalidator.class);
			assertThat(invalidator.evictMatching("stats", "{}:*", "tenant*")).isEqualTo(1);
			assertThat(raw(context, key("stats", "tenant1:1"))).isNotNull();
			assertThat(raw(context, key("stats", "tenantX:2"))).isNotNull();
			assertThat(invalidator.evictByPrefix("stats", "tenant")).isEqualTo(2);
		});
	}

	@Test
	void metricsCoverCachesCreatedAtRuntime() {
		runner().run((context) -> {
			String name = "runtime-" + UUID.randomUUID();
			Cache cache = context.getBean(CacheManager.class).getCache(name);
			assertThat(cache.get("absent")).isNull();
			cache.put("present", "value");
			assertThat(cache.get("present").get()).isEqualTo("value");
			assertThat(count(context, "cache.gets", name, "result", "miss")).isEqualTo(1);
			assertThat(count(context, "cache.gets", name, "result", "hit")).isEqualTo(1);
			assertThat(count(context, "cache.puts", name)).isEqualTo(1);
		});
	}

	@Test
	void theCacheManagerReportsEachCachesStatistics() {
		runner().run((context) -> {
			String name = "statistics-" + UUID.randomUUID();
			CacheManager cacheManager = context.getBean(CacheManager.class);
			Cache cache = cacheManager.getCache(name);
			assertThat(cache.get("absent")).isNull();
			cache.put("present", "value");
			assertThat(cache.get("present").get()).isEqualTo("value");
			assertThat(cache.get("loaded", () -> "computed")).isEqualTo("computed");
			cache.evict("present");
			CacheStatistics statistics = ((CacheStatisticsProvider) cacheManager).getCacheStatistics(name);
			assertThat(statistics).isNotNull();
			assertThat(statistics.hits()).isEqualTo(1);
			assertThat(statistics.misses()).isEqualTo(2);
			assertThat(statistics.puts()).isEqualTo(2);
			assertThat(statistics.evictions()).isEqualTo(1);
			assertThat(statistics.loads()).isEqualTo(1);
			assertThat(statistics.hitRatio()).isEqualTo(1 / 3.0);
			assertThat(((CacheStatisticsProvider) cacheManager).getCacheStatistics("never-used-" + name)).isNull();
		});
	}

}

package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.redisboot.cache.fixtures.PriceService;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.test.RedisNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hostile and broken state in the cache key families (entries, lock keys, the near-cache
 * invalidation channel): callers of {@code @Cacheable} methods never see an exception (a
 * fault is a miss and a load), each fault is counted, the log gets one line per kind of
 * fault that quotes neither stored bytes nor keys, and the cache works normally again
 * without a restart.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class AbstractCacheFaultIntegrationTests extends CacheIntegrationTestSupport {

	private final PriceService prices = new PriceService();

	private RedisNode node() {
		return redis().nodes().get(0);
	}

	@Test
	void garbageAndWrongTypesAreAMissAndALoadLoggedOncePerCauseWithoutStoredBytes(CapturedOutput output) {
		runner().run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			writeRaw(context, key("products", 1), "{\"name\":\"alice@example.com\"".getBytes(StandardCharsets.UTF_8));
			writeRaw(context, key("products", 2), "[\"bob@example.com\"".getBytes(StandardCharsets.UTF_8));
			node().execute("HSET", key("products", 3), "name", "carol@example.com");
			node().execute("RPUSH", key("products", 4), "carol@example.com");
			writeRaw(context, key("stats", "dave@example.com"), new byte[] { (byte) 0xC1, 1, 0, 0, 42 });
			for (int id = 1; id <= 4; id++) {
				assertThat(service.find(id).name()).isEqualTo("product-" + id);
			}
			assertThat(service.stat("dave@example.com")).isEqualTo(1);
			assertThat(service.findCount()).isEqualTo(4);
			// repaired by the loads: hits from now on
			for (int id = 1; id <= 4; id++) {
				assertThat(service.find(id).name()).isEqualTo("product-" + id);
			}
			assertThat(service.stat("dave@example.com")).isEqualTo(1);
			assertThat(service.findCount()).isEqualTo(4);
			assertThat(count(context, "cache.decode.errors", "products", "cause", "json")).isEqualTo(2);
			assertThat(count(context, "cache.decode.errors", "products", "cause", "wrong-type")).isEqualTo(2);
			assertThat(count(context, "cache.decode.errors", "stats")).isEqualTo(1);
		});
		assertThat(output.getOut()).doesNotContain("alice@").doesNotContain("bob@").doesNotContain("carol@")
			.doesNotContain("dave@");
		assertThat(lines(output, "Deleting an unreadable value in cache 'products'")).isEqualTo(2);
		assertThat(lines(output, "Deleting an unreadable value in cache 'stats'")).isEqualTo(1);
	}

	@Test
	void aRefusedTypeIsAlwaysWarnedOnItsOwnWithoutItsContent(CapturedOutput output) {
		runner().run((context) -> {
			Cache stats = context.getBean(CacheManager.class).getCache("stats");
			writeRaw(context, key("stats", "a"), "{not json".getBytes(StandardCharsets.UTF_8));
			assertThat(stats.get("a")).isNull();
			String gadget = "{\"@class\":\"dev.redisboot.cache.gadget.Gadget\",\"command\":\"rm -rf /home/erin\"}";
			writeRaw(context, key("stats", "b"), gadget.getBytes(StandardCharsets.UTF_8));
			writeRaw(context, key("stats", "c"), gadget.getBytes(StandardCharsets.UTF_8));
			writeRaw(context, key("stats", "d"),
					"{\"@class\":\"x y\\nFAKE LOG LINE\",\"v\":1}".getBytes(StandardCharsets.UTF_8));
			assertThat(stats.get("b")).isNull();
			assertThat(stats.get("c")).isNull();
			assertThat(stats.get("d")).isNull();
			assertThat(count(context, "cache.decode.errors", "stats", "cause", "refused-type")).isEqualTo(3);
		});
		List<String> warnings = output.getOut().lines().filter((line) -> line.contains(" WARN ")).toList();
		assertThat(warnings).filteredOn((line) -> line.contains("'dev.redisboot.cache.gadget.Gadget'")).hasSize(1);
		assertThat(warnings).filteredOn((line) -> line.contains("not valid JSON")).hasSize(1);
		assertThat(output.getOut()).doesNotContain("rm -rf").doesNotContain("FAKE LOG LINE");
	}

	@Test
	void locksThatNeverExpireOrHaveTheWrongTypeDelayALoadOnceAndAreRemoved(CapturedOutput output) {
		runner().withBean(PriceService.class, () -> this.prices)
			.withPropertyValues("redisboot.cache.lock-wait=300ms")
			.run((context) -> {
				PriceService service = context.getBean(PriceService.class);
				String lock7 = lockKey("prices", "7");
				String lock8 = lockKey("prices", "8");
				node().execute("SET", lock7, "garbage");
				node().execute("HSET", lock8, "holder", "nobody");
				assertThat(service.price(7).name()).isEqualTo("price-7");
				assertThat(service.price(8).name()).isEqualTo("price-8");
				assertThat(node().execute("EXISTS", lock7, lock8)).isEqualTo(0L);
				assertThat(count(context, "cache.decode.errors", "prices", "cause", "foreign-lock")).isEqualTo(2);
				// the lock key names the entry only by its digest, and works again once the foreign lock is gone
				service.evict(7);
				assertThat(service.price(7).name()).isEqualTo("price-7");
				assertThat(this.prices.loadCount()).isEqualTo(3);
				assertThat(scan(context, prefix() + ":cache-lock:*")).isEmpty();
			});
		assertThat(lines(output, "that had no expiry")).isEqualTo(1);
	}

	@Test
	void keysDeletedUnderConcurrentCallersNeverReachThem() throws Exception {
		runner().withBean(PriceService.class, () -> this.prices).run((context) -> {
			PriceService priceService = context.getBean(PriceService.class);
			ProductService productService = context.getBean(ProductService.class);
			ExecutorService threads = Executors.newFixedThreadPool(9);
			try {
				List<Future<?>> callers = new ArrayList<>();
				for (int t = 0; t < 8; t++) {
					callers.add(threads.submit(() -> {
						for (int i = 0; i < 150; i++) {
							long id = i % 5;
							assertThat(priceService.price(id).name()).isEqualTo("price-" + id);
							assertThat(productService.find(id).name()).isEqualTo("product-" + id);
						}
						return null;
					}));
				}
				Future<?> deleter = threads.submit(() -> {
					for (int i = 0; i < 200; i++) {
						long id = i % 5;
						node().execute("DEL", key("prices", id), key("products", id), lockKey("prices", Long.toString(id)));
					}
					return null;
				});
				deleter.get(60, TimeUnit.SECONDS);
				for (Future<?> caller : callers) {
					caller.get(60, TimeUnit.SECONDS); // rethrows any exception a caller saw
				}
			}
			finally {
				threads.shutdownNow();
			}
			int loads = this.prices.loadCount();
			assertThat(priceService.price(1).name()).isEqualTo("price-1");
			assertThat(priceService.price(1).name()).isEqualTo("price-1");
			assertThat(this.prices.loadCount()).isLessThanOrEqualTo(loads + 1);
		});
	}

	@Test
	void unreadableInvalidationMessagesClearNearCachesAndAreCounted(CapturedOutput output) {
		runner().withPropertyValues("redisboot.cache.caches.products.near-cache.enabled=true").run((context) -> {
			NearCacheInvalidation invalidation = context.getBean(NearCacheInvalidation.class);
			await().atMost(Duration.ofSeconds(10)).until(invalidation::isSubscribed);
			ProductService service = context.getBean(ProductService.class);
			service.find(1);
			service.find(1);
			assertThat(count(context, "cache.near.gets", "products", "result", "hit")).isEqualTo(1);
			node().execute("PUBLISH", invalidation.getChannel(), "garbage from frank@example.com");
			node().execute("PUBLISH", invalidation.getChannel(), "1\nsender\nzz\nproducts\nkey");
			node().execute("PUBLISH", invalidation.getChannel(), "");
			node().execute("PUBLISH", invalidation.getChannel(), "x".repeat(100_000));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(count(context, "cache.near.invalidation.errors", "products")).isEqualTo(4));
			assertThat(service.find(1).name()).isEqualTo("product-1");
			assertThat(service.findCount()).as("still a Redis hit").isEqualTo(1);
			service.find(1);
			assertThat(count(context, "cache.near.gets", "products", "result", "hit")).as("near cache serves again")
				.isEqualTo(2);
		});
		assertThat(output.getOut()).doesNotContain("frank@").doesNotContain("xxxxxxxx");
		assertThat(lines(output, "Unreadable message on the near-cache invalidation channel")).isEqualTo(1);
	}

	protected String lockKey(String cache, String keyPart) {
		return prefix() + ":cache-lock:" + cache + ":" + KeyDigester.unkeyed().digest("cache-lock", keyPart);
	}

	static long lines(CapturedOutput output, String text) {
		return output.getOut().lines().filter((line) -> line.contains(text)).count();
	}

}

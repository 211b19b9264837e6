package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.redisboot.cache.fixtures.Product;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;
import org.springframework.cache.Cache.ValueWrapper;
import org.springframework.cache.CacheManager;
import org.springframework.cache.support.NullValue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Every method of Spring's {@link Cache} against its documented contract, as
 * {@code ConcurrentMapCache} and Spring Data Redis's {@code RedisCache} behave: a put
 * replaces the mapping (a value that cannot be stored removes it rather than leaving the old
 * one to be served), {@link NullValue} stands for a cached {@code null}, typed gets check
 * the type, loaders' exceptions are wrapped, {@code putIfAbsent} returns the existing
 * mapping, evictions and invalidation report prior presence, and {@code retrieve} serves
 * CompletableFuture-based callers.
 */
@WithRedis
class RedisbootCacheContractIntegrationTests extends CacheIntegrationTestSupport {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

	@Test
	void putOfNullWhereNullsAreNotCachedRemovesTheOldValue() {
		runner().run((context) -> {
			Cache products = context.getBean(CacheManager.class).getCache("products");
			products.put(1L, ProductService.product(1, "old"));
			products.put(1L, null);
			assertThat(products.get(1L)).isNull();
			assertThat(raw(context, key("products", 1))).isNull();
			products.put(2L, ProductService.product(2, "old"));
			products.put(2L, NullValue.INSTANCE);
			assertThat(products.get(2L)).isNull();
			assertThat(count(context, "cache.refused.puts", "products", "reason", "null")).isEqualTo(2);
		});
	}

	@Test
	void cachePutReturningNullLeavesNoStaleValueForLaterReads() {
		runner().run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			assertThat(service.find(5).name()).isEqualTo("product-5");
			service.replace(5, null);
			assertThat(service.find(5).name()).as("loaded again, not the stale entry").isEqualTo("product-5");
			assertThat(service.findCount()).isEqualTo(2);
		});
	}

	@Test
	void putOfATypeOutsideTheAllowlistRemovesTheOldValue() {
		runner().run((context) -> {
			Cache stats = context.getBean(CacheManager.class).getCache("stats");
			stats.put("k", 42L);
			assertThat(stats.get("k").get()).isEqualTo(42L);
			stats.put("k", new Thread("not allowed"));
			assertThat(stats.get("k")).isNull();
			assertThat(raw(context, key("stats", "k"))).isNull();
			assertThat(count(context, "cache.refused.puts", "stats", "reason", "type")).isEqualTo(1);
		});
	}

	@Test
	void nullValueReadsBackAsACachedNullWhereNullsAreCached() {
		runner().run((context) -> {
			Cache lookups = context.getBean(CacheManager.class).getCache("lookups");
			lookups.put(1L, NullValue.INSTANCE);
			ValueWrapper cached = lookups.get(1L);
			assertThat(cached).isNotNull();
			assertThat(cached.get()).isNull();
			assertThat(lookups.get(1L, Product.class)).isNull();
			assertThat(lookups.putIfAbsent(2L, NullValue.INSTANCE)).isNull();
			assertThat(lookups.get(2L)).isNotNull().extracting(ValueWrapper::get).isNull();
			lookups.put(3L, null);
			assertThat(lookups.get(3L)).isNotNull().extracting(ValueWrapper::get).isNull();
		});
	}

	@Test
	void typedGetChecksTheTypeAndCannotTellACachedNullFromAMiss() {
		runner().run((context) -> {
			Cache products = context.getBean(CacheManager.class).getCache("products");
			products.put(1L, ProductService.product(1, "one"));
			assertThat(products.get(1L, Product.class).name()).isEqualTo("one");
			assertThat(products.get(1L, (Class<Object>) null)).isInstanceOf(Product.class);
			assertThatIllegalStateException().isThrownBy(() -> products.get(1L, String.class))
				.withMessageContaining("not of required type");
			assertThat(products.get(99L, Product.class)).isNull();
		});
	}

	@Test
	void getWithLoaderLoadsOnceStoresAndWrapsTheLoadersException() {
		runner().run((context) -> {
			Cache products = context.getBean(CacheManager.class).getCache("products");
			AtomicInteger calls = new AtomicInteger();
			assertThat(products.get(1L, () -> ProductService.product(1, "loaded-" + calls.incrementAndGet())).name())
				.isEqualTo("loaded-1");
			assertThat(products.get(1L, () -> ProductService.product(1, "loaded-" + calls.incrementAndGet())).name())
				.isEqualTo("loaded-1");
			IllegalStateException failure = new IllegalStateException("database down");
			assertThatExceptionOfType(Cache.ValueRetrievalException.class).isThrownBy(() -> products.get(2L, () -> {
				throw failure;
			})).withCause(failure);
			assertThat(products.get(2L)).as("a failed load stores nothing").isNull();
		});
	}

	@Test
	void putIfAbsentReturnsTheExistingMappingAndStoresOnlyWhenAbsent() {
		runner().run((context) -> {
			Cache products = context.getBean(CacheManager.class).getCache("products");
			assertThat(products.putIfAbsent(1L, ProductService.product(1, "first"))).isNull();
			ValueWrapper existing = products.putIfAbsent(1L, ProductService.product(1, "second"));
			assertThat(existing).isNotNull();
			assertThat(((Product) existing.get()).name()).isEqualTo("first");
			assertThat(products.get(1L, Product.class).name()).isEqualTo("first");
			// an unreadable entry is no mapping: it is replaced
			writeRaw(context, key("products", 2), "{garbage".getBytes(StandardCharsets.UTF_8));
			assertThat(products.putIfAbsent(2L, ProductService.product(2, "fresh"))).isNull();
			assertThat(products.get(2L, Product.class).name()).isEqualTo("fresh");
		});
	}

	@Test
	void evictIfPresentAndInvalidateReportPriorPresence() {
		runner().run((context) -> {
			Cache products = context.getBean(CacheManager.class).getCache("products");
			products.put(1L, ProductService.product(1, "one"));
			assertThat(products.evictIfPresent(1L)).isTrue();
			assertThat(products.evictIfPresent(1L)).isFalse();
			assertThat(products.get(1L)).isNull();
			products.put(2L, ProductService.product(2, "two"));
			products.evict(2L);
			assertThat(products.get(2L)).isNull();
			products.put(3L, ProductService.product(3, "three"));
			assertThat(products.invalidate()).isTrue();
			assertThat(products.invalidate()).isFalse();
			products.put(4L, ProductService.product(4, "four"));
			products.clear();
			assertThat(products.get(4L)).isNull();
		});
	}

	@Test
	void retrieveServesCompletableFutureCallers() {
		runner().run((context) -> {
			Cache products = context.getBean(CacheManager.class).getCache("products");
			assertThat(products.retrieve(1L).get(5, TimeUnit.SECONDS)).as("a miss").isNull();
			products.put(1L, ProductService.product(1, "one"));
			Object hit = products.retrieve(1L).get(5, TimeUnit.SECONDS);
			assertThat(hit).isInstanceOf(ValueWrapper.class);
			assertThat(((Product) ((ValueWrapper) hit).get()).name()).isEqualTo("one");
			AtomicInteger loads = new AtomicInteger();
			CompletableFuture<Product> loaded = products.retrieve(2L, () -> {
				loads.incrementAndGet();
				return CompletableFuture.completedFuture(ProductService.product(2, "async"));
			});
			assertThat(loaded.get(5, TimeUnit.SECONDS).name()).isEqualTo("async");
			await().atMost(Duration.ofSeconds(5)).until(() -> raw(context, key("products", 2)) != null);
			assertThat(products.retrieve(2L, () -> {
				loads.incrementAndGet();
				return CompletableFuture.completedFuture(ProductService.product(2, "again"));
			}).get(5, TimeUnit.SECONDS).name()).isEqualTo("async");
			assertThat(loads).hasValue(1);
			IllegalStateException failure = new IllegalStateException("down");
			assertThat(products.retrieve(3L, () -> CompletableFuture.<Product>failedFuture(failure)))
				.failsWithin(Duration.ofSeconds(5))
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.withCause(failure);
		});
	}

	@Test
	void digestKeysStoresEntriesUnderADigestOfTheKeyAndRefusesPatterns() {
		runner().withPropertyValues("redisboot.cache.caches.users.digest-keys=true",
				"redisboot.key-digest-secret=c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0").run((context) -> {
			Cache users = context.getBean(CacheManager.class).getCache("users");
			users.put("alice@example.com", ProductService.product(1, "alice"));
			assertThat(users.get("alice@example.com", Product.class).name()).isEqualTo("alice");
			String expected = key("users", dev.redisboot.core.KeyDigester
				.of("c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0")
				.digest("cache", "alice@example.com"));
			assertThat(scan(context, prefix() + ":*")).containsExactly(expected);
			assertThat(users.evictIfPresent("alice@example.com")).isTrue();
			assertThatIllegalStateException()
				.isThrownBy(() -> context.getBean(CacheInvalidator.class).evictByPrefix("users", "alice"))
				.withMessageContaining("digest-keys");
		});
	}

	@Test
	void cacheableMethodsReturningCompletableFuturesAreCached() {
		runner().run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			assertThat(service.findAsync(7).get(5, TimeUnit.SECONDS).name()).isEqualTo("async-7");
			await().atMost(Duration.ofSeconds(5)).until(() -> raw(context, key("products", 7)) != null);
			assertThat(service.findAsync(7).get(5, TimeUnit.SECONDS).name()).isEqualTo("async-7");
			assertThat(service.findCount()).isEqualTo(1);
		});
	}

	@Test
	void aRefusedPutAlsoRemovesTheEntryFromNearCaches() {
		runner().withPropertyValues("redisboot.cache.caches.products.near-cache.enabled=true").run((context) -> {
			await().atMost(Duration.ofSeconds(10)).until(context.getBean(NearCacheInvalidation.class)::isSubscribed);
			Cache products = context.getBean(CacheManager.class).getCache("products");
			products.put(1L, ProductService.product(1, "old"));
			assertThat(products.get(1L, Product.class).name()).isEqualTo("old");
			products.put(1L, null);
			assertThat(products.get(1L)).isNull();
			assertThat(count(context, "cache.near.gets", "products", "result", "hit")).isEqualTo(1);
		});
	}

}

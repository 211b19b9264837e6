package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.redisboot.cache.fixtures.Product;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.cache.fixtures.ReactiveProductService;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.Cache.ValueWrapper;
import org.springframework.cache.CacheManager;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link RedisbootCache#retrieve(Object)} and {@link RedisbootCache#retrieve(Object, Supplier)}
 * against Spring's contract and the blocking path's semantics, and {@code @Cacheable} methods
 * returning {@code CompletableFuture}, {@code Mono} and {@code Flux}. Every call starts on a
 * Reactor parallel thread, and Redis replies complete on Lettuce's event loop: the concrete
 * classes are {@code @NonBlockingTest}s, so anything that blocks on either fails the test.
 */
abstract class AbstractCacheRetrieveIntegrationTests extends CacheIntegrationTestSupport {

	/**
	 * Long enough to outlast a Lettuce cluster client whose first topology refresh waits a
	 * minute for one node's handshake ("Connection initialization timed out after 1
	 * minute(s)"), which happens now and then to a new context in the BlockHound JVM and
	 * delays that context's first command; no test waits this long when all is well.
	 */
	private static final Duration TIMEOUT = Duration.ofSeconds(90);

	@Override
	protected ApplicationContextRunner runner() {
		return super.runner()
			.withBean(ReactiveProductService.class)
			.withPropertyValues("redisboot.cache.caches.catalogue.ttl=5m");
	}

	/**
	 * Starts a call on a non-blocking thread and waits (on the test thread) for its result.
	 */
	static <T> T onEventLoop(Supplier<? extends CompletionStage<T>> call) {
		return Mono.defer(() -> Mono.fromCompletionStage(call.get())).subscribeOn(Schedulers.parallel()).block(TIMEOUT);
	}

	static <T> T onEventLoopMono(Supplier<Mono<T>> call) {
		return Mono.defer(call).subscribeOn(Schedulers.parallel()).block(TIMEOUT);
	}

	static <T> List<T> onEventLoopFlux(Supplier<Flux<T>> call) {
		return Flux.defer(call).subscribeOn(Schedulers.parallel()).collectList().block(TIMEOUT);
	}

	static Cache cache(AssertableApplicationContext context, String name) {
		return context.getBean(CacheManager.class).getCache(name);
	}

	@Test
	void retrieveMissesLoadsOnceStoresWithTheTtlAndHits() {
		runner().run((context) -> {
			Cache products = cache(context, "products");
			assertThat(onEventLoop(() -> products.retrieve(1L))).as("a miss is a future of null").isNull();
			AtomicInteger loads = new AtomicInteger();
			Product loaded = onEventLoop(() -> products.retrieve(1L, () -> {
				loads.incrementAndGet();
				return CompletableFuture.completedFuture(ProductService.product(1, "loaded"));
			}));
			assertThat(loaded.name()).isEqualTo("loaded");
			assertThat(raw(context, key("products", 1))).as("stored before the future completed").isNotNull();
			assertThat(pttl(context, key("products", 1))).isBetween(Duration.ofMinutes(14).toMillis(),
					Duration.ofMinutes(15).toMillis());
			Object hit = onEventLoop(() -> products.retrieve(1L));
			assertThat(hit).isInstanceOf(ValueWrapper.class);
			assertThat(((Product) ((ValueWrapper) hit).get()).name()).isEqualTo("loaded");
			Product again = onEventLoop(() -> products.retrieve(1L, () -> {
				loads.incrementAndGet();
				return CompletableFuture.completedFuture(ProductService.product(1, "again"));
			}));
			assertThat(again.name()).isEqualTo("loaded");
			assertThat(loads).hasValue(1);
			assertThat(count(context, "cache.gets", "products", "result", "miss")).isEqualTo(2);
			assertThat(count(context, "cache.gets", "products", "result", "hit")).isEqualTo(2);
			assertThat(count(context, "cache.puts", "products")).isEqualTo(1);
			assertThat(context.getBean(MeterRegistry.class).get("cache.load").tag("cache", "products").timer().count())
				.isEqualTo(1);
		});
	}

	@Test
	void aLoadedNullIsCachedAndReadBackAsAWrapperOfNull() {
		runner().run((context) -> {
			Cache lookups = cache(context, "lookups");
			AtomicInteger loads = new AtomicInteger();
			Supplier<CompletableFuture<Product>> loader = () -> {
				loads.incrementAndGet();
				return CompletableFuture.completedFuture(null);
			};
			assertThat(onEventLoop(() -> lookups.retrieve(7L, loader))).isNull();
			assertThat(onEventLoop(() -> lookups.retrieve(7L, loader))).isNull();
			assertThat(loads).as("the null was cached").hasValue(1);
			Object hit = onEventLoop(() -> lookups.retrieve(7L));
			assertThat(hit).isInstanceOf(ValueWrapper.class);
			assertThat(((ValueWrapper) hit).get()).isNull();
			assertThat(pttl(context, key("lookups", 7))).as("the null TTL").isBetween(1L, 30_000L);
		});
	}

	@Test
	void aNullWhereNullsAreNotCachedIsReturnedButNotStored() {
		runner().run((context) -> {
			Cache products = cache(context, "products");
			Product loaded = onEventLoop(() -> products.retrieve(8L, () -> CompletableFuture.completedFuture(null)));
			assertThat(loaded).isNull();
			assertThat(raw(context, key("products", 8))).isNull();
		});
	}

	@Test
	void aLoaderFailureCompletesTheFutureAndCachesNothing() {
		runner().run((context) -> {
			Cache products = cache(context, "products");
			IllegalStateException failure = new IllegalStateException("backend down");
			assertThatIllegalStateException()
				.isThrownBy(() -> onEventLoop(() -> products.retrieve(3L, () -> CompletableFuture.failedFuture(failure))))
				.isSameAs(failure);
			assertThatIllegalStateException().isThrownBy(() -> onEventLoop(() -> products.retrieve(4L, () -> {
				throw failure;
			}))).isSameAs(failure);
			assertThat(raw(context, key("products", 3))).isNull();
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(scan(context, prefix() + ":cache-lock:*")).as("the lock was released")
					.isEmpty());
			Product loaded = onEventLoop(
					() -> products.retrieve(3L, () -> CompletableFuture.completedFuture(ProductService.product(3, "ok"))));
			assertThat(loaded.name()).as("the next caller loads").isEqualTo("ok");
		});
	}

	@Test
	void concurrentRetrievesOfAMissingKeyLoadOnceInThisInstance() {
		runner().run((context) -> {
			Cache products = cache(context, "products");
			AtomicInteger loads = new AtomicInteger();
			CompletableFuture<Product> gate = new CompletableFuture<>();
			List<CompletableFuture<Product>> callers = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				callers.add(Mono.defer(() -> Mono.fromFuture(products.retrieve(5L, () -> {
					loads.incrementAndGet();
					return gate;
				}))).subscribeOn(Schedulers.parallel()).toFuture());
			}
			// every caller has missed (none can hit before the value is stored) and waits for the one load
			await().atMost(TIMEOUT).until(() -> count(context, "cache.gets", "products", "result", "miss") == 16);
			assertThat(loads).hasValue(1);
			gate.complete(ProductService.product(5, "once"));
			for (CompletableFuture<Product> caller : callers) {
				assertThat(caller).succeedsWithin(TIMEOUT).extracting(Product::name).isEqualTo("once");
			}
			assertThat(loads).hasValue(1);
		});
	}

	@Test
	void aMissIsLoadedOnceAcrossTwoInstancesWhoseWaiterPollsWithoutBlocking() {
		ApplicationContextRunner runner = runner();
		runner.run((first) -> runner.run((second) -> {
			Cache one = cache(first, "products");
			Cache two = cache(second, "products");
			CompletableFuture<Product> gate = new CompletableFuture<>();
			CompletableFuture<Product> loading = Mono.defer(() -> Mono.fromFuture(one.retrieve(9L, () -> gate)))
				.subscribeOn(Schedulers.parallel())
				.toFuture();
			await().atMost(TIMEOUT).until(() -> !scan(first, prefix() + ":cache-lock:products:*").isEmpty());
			AtomicInteger secondLoads = new AtomicInteger();
			CompletableFuture<Product> waiting = Mono.defer(() -> Mono.fromFuture(two.retrieve(9L, () -> {
				secondLoads.incrementAndGet();
				return CompletableFuture.completedFuture(ProductService.product(9, "second"));
			}))).subscribeOn(Schedulers.parallel()).toFuture();
			await().atMost(TIMEOUT).until(() -> count(second, "cache.gets", "products", "result", "miss") == 1);
			assertThat(waiting).as("waits for the lock holder").isNotDone();
			gate.complete(ProductService.product(9, "first"));
			assertThat(loading).succeedsWithin(TIMEOUT).extracting(Product::name).isEqualTo("first");
			assertThat(waiting).succeedsWithin(TIMEOUT).extracting(Product::name).isEqualTo("first");
			assertThat(secondLoads).hasValue(0);
			assertThat(second.getBean(MeterRegistry.class)
				.get("cache.lock.waits")
				.tag("cache", "products")
				.tag("outcome", "value")
				.timer()
				.count()).isEqualTo(1);
		}));
	}

	@Test
	void aNearCacheHitCompletesAtOnceWithoutRedis() {
		runner().withPropertyValues("redisboot.cache.caches.products.near-cache.enabled=true").run((context) -> {
			Cache products = cache(context, "products");
			await().atMost(TIMEOUT).until(context.getBean(NearCacheInvalidation.class)::isSubscribed);
			onEventLoop(() -> products.retrieve(2L,
					() -> CompletableFuture.completedFuture(ProductService.product(2, "near"))));
			// removed behind the cache's back (no invalidation): only memory can still answer
			context.getBean(StringRedisTemplate.class).delete(key("products", 2));
			CompletableFuture<?> hit = onEventLoop(() -> CompletableFuture.completedFuture(products.retrieve(2L)));
			assertThat(hit).as("completed before any Redis reply").isDone();
			assertThat(((Product) ((ValueWrapper) hit.join()).get()).name()).isEqualTo("near");
			CompletableFuture<Product> loaded = onEventLoop(() -> CompletableFuture.completedFuture(
					products.retrieve(2L, () -> CompletableFuture.completedFuture(ProductService.product(2, "other")))));
			assertThat(loaded).isDone();
			assertThat(loaded.join().name()).isEqualTo("near");
			assertThat(count(context, "cache.near.gets", "products", "result", "hit")).isEqualTo(2);
		});
	}

	@Test
	void garbageAndAnotherRedisTypeAreMissesThatAreCountedAndDeleted() {
		runner().run((context) -> {
			Cache products = cache(context, "products");
			writeRaw(context, key("products", 11), "\u0000not a value".getBytes(StandardCharsets.UTF_8));
			context.getBean(StringRedisTemplate.class).opsForList().leftPush(key("products", 12), "a list");
			assertThat(onEventLoop(() -> products.retrieve(11L))).isNull();
			assertThat(onEventLoop(() -> products.retrieve(12L))).isNull();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				assertThat(raw(context, key("products", 11))).isNull();
				assertThat(context.getBean(StringRedisTemplate.class).hasKey(key("products", 12))).isFalse();
			});
			assertThat(count(context, "cache.decode.errors", "products")).isEqualTo(2);
			assertThat(count(context, "cache.decode.errors", "products", "cause", "wrong-type")).isEqualTo(1);
			assertThat(count(context, "cache.gets", "products", "result", "miss")).isEqualTo(2);
			writeRaw(context, key("products", 13), "{\"@class\":\"java.lang.Thread\"}".getBytes(StandardCharsets.UTF_8));
			Product loaded = onEventLoop(() -> products.retrieve(13L,
					() -> CompletableFuture.completedFuture(ProductService.product(13, "replaced"))));
			assertThat(loaded.name()).as("an unreadable entry is a miss, loaded again").isEqualTo("replaced");
		});
	}

	@Test
	void anEntryDeletedBetweenCallsIsLoadedAgain() {
		runner().run((context) -> {
			Cache products = cache(context, "products");
			AtomicInteger loads = new AtomicInteger();
			Supplier<CompletableFuture<Product>> loader = () -> CompletableFuture
				.completedFuture(ProductService.product(14, "load-" + loads.incrementAndGet()));
			assertThat(onEventLoop(() -> products.retrieve(14L, loader)).name()).isEqualTo("load-1");
			context.getBean(StringRedisTemplate.class).delete(key("products", 14));
			assertThat(onEventLoop(() -> products.retrieve(14L, loader)).name()).isEqualTo("load-2");
			assertThat(onEventLoop(() -> products.retrieve(14L, loader)).name()).isEqualTo("load-2");
		});
	}

	@Test
	void aHitPastItsSoftAgeIsServedAndRefreshedInTheBackgroundOnce() {
		runner().withPropertyValues("redisboot.cache.caches.prices.ttl=4s", "redisboot.cache.caches.prices.refresh-ahead=50%")
			.run((context) -> {
				Cache prices = cache(context, "prices");
				AtomicInteger version = new AtomicInteger();
				Supplier<CompletableFuture<Product>> loader = () -> CompletableFuture
					.completedFuture(ProductService.product(1, "v" + version.incrementAndGet()));
				assertThat(onEventLoop(() -> prices.retrieve(1L, loader)).name()).isEqualTo("v1");
				await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
					assertThat(onEventLoop(() -> prices.retrieve(1L, loader)).name()).isIn("v1", "v2");
					assertThat(count(context, "cache.refreshes", "prices", "outcome", "success")).isEqualTo(1);
				});
				assertThat(onEventLoop(() -> prices.retrieve(1L, loader)).name()).isEqualTo("v2");
				assertThat(version).as("one load, one refresh").hasValue(2);
				assertThat(count(context, "cache.gets", "prices", "result", "miss")).isEqualTo(1);
				assertThat(pttl(context, key("prices", 1))).as("a fresh TTL").isGreaterThan(2000);
			});
	}

	@Test
	void encryptedCompressedEntriesWithTimeToIdleRoundTrip() {
		byte[] secret = new byte[32];
		java.util.concurrent.ThreadLocalRandom.current().nextBytes(secret);
		runner().withPropertyValues("redisboot.cache.caches.patients.encryption.enabled=true",
				"redisboot.cache.caches.patients.time-to-idle=2m", "redisboot.cache.compression.compress-above=64B",
				"redisboot.cache.encryption.active-key-id=a",
				"redisboot.cache.encryption.keys.a=" + java.util.Base64.getEncoder().encodeToString(secret))
			.run((context) -> {
				Cache patients = cache(context, "patients");
				String name = "patient " + "lorem ipsum ".repeat(50);
				onEventLoop(() -> patients.retrieve(1L,
						() -> CompletableFuture.completedFuture(ProductService.product(1, name))));
				byte[] stored = raw(context, key("patients", 1));
				assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("lorem");
				context.getBean(StringRedisTemplate.class).expire(key("patients", 1), Duration.ofSeconds(30));
				Object hit = onEventLoop(() -> patients.retrieve(1L));
				assertThat(((Product) ((ValueWrapper) hit).get()).name()).isEqualTo(name);
				assertThat(pttl(context, key("patients", 1))).as("the read extended the time-to-idle")
					.isGreaterThan(60_000);
			});
	}

	@Test
	void cacheableCompletableFutureMethodsAreCachedWithAndWithoutSync() {
		runner().run((context) -> {
			ReactiveProductService service = context.getBean(ReactiveProductService.class);
			assertThat(onEventLoop(() -> service.future(1)).name()).isEqualTo("future-1");
			await().atMost(TIMEOUT).until(() -> raw(context, key("products", 1)) != null);
			assertThat(onEventLoop(() -> service.future(1)).name()).isEqualTo("future-1");
			assertThat(onEventLoop(() -> service.futureSync(2)).name()).isEqualTo("future-sync-2");
			assertThat(onEventLoop(() -> service.futureSync(2)).name()).isEqualTo("future-sync-2");
			assertThat(onEventLoop(() -> service.future(2)).name()).as("one cache, two ways in")
				.isEqualTo("future-sync-2");
			assertThat(service.calls()).isEqualTo(2);
		});
	}

	@Test
	void cacheableMonoMethodsAreCachedWithAndWithoutSync() {
		runner().run((context) -> {
			ReactiveProductService service = context.getBean(ReactiveProductService.class);
			assertThat(onEventLoopMono(() -> service.mono(1)).name()).isEqualTo("mono-1");
			await().atMost(TIMEOUT).until(() -> raw(context, key("products", 1)) != null);
			assertThat(onEventLoopMono(() -> service.mono(1)).name()).isEqualTo("mono-1");
			assertThat(onEventLoopMono(() -> service.monoSync(2)).name()).isEqualTo("mono-sync-2");
			assertThat(onEventLoopMono(() -> service.monoSync(2)).name()).isEqualTo("mono-sync-2");
			assertThat(service.calls()).isEqualTo(2);
			assertThat(onEventLoopMono(() -> service.remove(1))).isNull();
			await().atMost(TIMEOUT).until(() -> raw(context, key("products", 1)) == null);
			assertThat(onEventLoopMono(() -> service.mono(1)).name()).isEqualTo("mono-1");
			assertThat(service.calls()).as("loaded again after the eviction").isEqualTo(3);
			assertThat(onEventLoopMono(() -> service.monoEmpty(4))).isNull();
			await().atMost(TIMEOUT).until(() -> raw(context, key("lookups", 4)) != null);
			assertThat(onEventLoopMono(() -> service.monoEmpty(4))).as("a cached empty Mono").isNull();
			assertThat(service.calls()).isEqualTo(4);
		});
	}

	@Test
	void cacheableFluxMethodsAreCachedWithAndWithoutSync() {
		runner().run((context) -> {
			ReactiveProductService service = context.getBean(ReactiveProductService.class);
			List<String> expected = List.of("tools-flux-0", "tools-flux-1", "tools-flux-2");
			assertThat(ReactiveProductService.names(onEventLoopFlux(() -> service.flux("tools")))).isEqualTo(expected);
			await().atMost(TIMEOUT).until(() -> raw(context, key("catalogue", "tools")) != null);
			assertThat(ReactiveProductService.names(onEventLoopFlux(() -> service.flux("tools")))).isEqualTo(expected);
			List<String> expectedSync = List.of("toys-flux-sync-0", "toys-flux-sync-1", "toys-flux-sync-2");
			assertThat(ReactiveProductService.names(onEventLoopFlux(() -> service.fluxSync("toys"))))
				.isEqualTo(expectedSync);
			assertThat(ReactiveProductService.names(onEventLoopFlux(() -> service.fluxSync("toys"))))
				.isEqualTo(expectedSync);
			assertThat(service.calls()).isEqualTo(2);
		});
	}

	@Test
	void aFailingSyncMethodPropagatesItsErrorAndCachesNothing() {
		runner().run((context) -> {
			ReactiveProductService service = context.getBean(ReactiveProductService.class);
			assertThatIllegalStateException().isThrownBy(() -> onEventLoopMono(() -> service.failing(6)))
				.withMessage("backend down");
			assertThatIllegalStateException().isThrownBy(() -> onEventLoopMono(() -> service.failing(6)))
				.withMessage("backend down");
			assertThat(service.calls()).isEqualTo(2);
			assertThat(raw(context, key("products", 6))).isNull();
		});
	}

}

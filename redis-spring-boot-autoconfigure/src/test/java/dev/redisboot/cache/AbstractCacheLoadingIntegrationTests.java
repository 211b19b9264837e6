package dev.redisboot.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.redisboot.cache.fixtures.PriceService;
import dev.redisboot.cache.fixtures.Product;
import dev.redisboot.cache.fixtures.ProductService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Loading across instances against a real Redis: two application contexts on one Redis and
 * one key prefix stand for two instances of an application, their caching proxies backed by
 * one {@link PriceService}, whose count is the number of loads in the whole deployment. Run
 * on standalone and Cluster (where the lock key and the value key live in different slots).
 */
abstract class AbstractCacheLoadingIntegrationTests extends CacheIntegrationTestSupport {

	private static final int CALLERS = 200;

	private final PriceService prices = new PriceService();

	private final ExecutorService pool = Executors.newFixedThreadPool(CALLERS);

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void shutDown() {
		this.release.countDown();
		this.pool.shutdownNow();
	}

	private ApplicationContextRunner instances() {
		return runner().withBean(PriceService.class, () -> this.prices);
	}

	@Test
	void coldKeyHitByTwoHundredCallersOnTwoInstancesLoadsOnce() throws Exception {
		concurrentColdMissLoadsOnce(instances(), "prices", PriceService::price);
	}

	@Test
	void stampedeProtectionMakesPlainCacheableLoadOnceAcrossInstances() throws Exception {
		concurrentColdMissLoadsOnce(instances().withPropertyValues("redisboot.cache.caches.plain.stampede-protection=true"),
				"plain", PriceService::plain);
	}

	@Test
	void withoutStampedeProtectionPlainCacheableLoadsInEveryCaller() {
		instances().run((a) -> {
			// without protection the two callers both miss and both load: the baseline the option fixes
			CountDownLatch bothLoading = new CountDownLatch(2);
			this.prices.loader((id) -> {
				bothLoading.countDown();
				assertThat(bothLoading.await(10, TimeUnit.SECONDS)).isTrue();
				return ProductService.product(id, "plain");
			});
			PriceService service = a.getBean(PriceService.class);
			Future<Product> first = this.pool.submit(() -> service.plain(5));
			Future<Product> second = this.pool.submit(() -> service.plain(5));
			first.get(20, TimeUnit.SECONDS);
			second.get(20, TimeUnit.SECONDS);
			assertThat(this.prices.loadCount()).isEqualTo(2);
		});
	}

	@Test
	void plainCacheableWithUnlessIsLeftUnsynchronized() {
		instances().withPropertyValues("redisboot.cache.caches.plain.stampede-protection=true").run((a) -> {
			CountDownLatch bothLoading = new CountDownLatch(2);
			this.prices.loader((id) -> {
				bothLoading.countDown();
				assertThat(bothLoading.await(10, TimeUnit.SECONDS)).isTrue();
				return ProductService.product(id, "unless");
			});
			PriceService service = a.getBean(PriceService.class);
			Future<Product> first = this.pool.submit(() -> service.plainUnless(6));
			Future<Product> second = this.pool.submit(() -> service.plainUnless(6));
			assertThat(first.get(20, TimeUnit.SECONDS).name()).isEqualTo("unless");
			assertThat(second.get(20, TimeUnit.SECONDS).name()).isEqualTo("unless");
			assertThat(this.prices.loadCount()).as("Spring cannot synchronize @Cacheable(unless)").isEqualTo(2);
		});
	}

	private void concurrentColdMissLoadsOnce(ApplicationContextRunner runner, String cache, Call call)
			throws Exception {
		runner.run((a) -> runner.run((b) -> {
			CountDownLatch calling = new CountDownLatch(CALLERS);
			this.prices.loader((id) -> {
				// a slow database: the load ends only once every caller has asked, and both
				// instances have missed (so the other one is waiting on the lock)
				assertThat(calling.await(20, TimeUnit.SECONDS)).isTrue();
				await().atMost(Duration.ofSeconds(20))
					.until(() -> count(a, "cache.gets", cache, "result", "miss") >= 1
							&& count(b, "cache.gets", cache, "result", "miss") >= 1);
				return ProductService.product(id, "loaded-once");
			});
			List<Future<Product>> results = new ArrayList<>();
			for (int i = 0; i < CALLERS; i++) {
				PriceService instance = ((i % 2 == 0) ? a : b).getBean(PriceService.class);
				results.add(this.pool.submit(() -> {
					calling.countDown();
					return call.call(instance, 7);
				}));
			}
			for (Future<Product> result : results) {
				assertThat(result.get(30, TimeUnit.SECONDS).name()).isEqualTo("loaded-once");
			}
			assertThat(this.prices.loadCount()).as("loads across both instances").isEqualTo(1);
			// A waiter either sees the value appear ("value") or, on a loaded host, finds the lock free
			// once the holder has stored and released it, takes it and reads the stored value
			// ("took-over"): a wait either way, and the single load above shows nobody loaded twice.
			double waits = lockWaits(a, "value") + lockWaits(b, "value") + lockWaits(a, "took-over")
					+ lockWaits(b, "took-over");
			assertThat(waits).as("the instance that did not load waited for the other's value")
				.isGreaterThanOrEqualTo(1);
			assertThat(scan(a, "*cache-lock*")).as("lock released").isEmpty();
		}));
	}

	@Test
	void whenTheLockHoldersLoaderFailsAnotherInstanceLoadsAtOnce() {
		instances().withPropertyValues("redisboot.cache.lock-ttl=60s", "redisboot.cache.lock-wait=60s")
			.run((a) -> instances().withPropertyValues("redisboot.cache.lock-ttl=60s", "redisboot.cache.lock-wait=60s")
				.run((b) -> {
					CountDownLatch aLoading = new CountDownLatch(1);
					AtomicInteger calls = new AtomicInteger();
					this.prices.loader((id) -> {
						if (calls.incrementAndGet() == 1) {
							aLoading.countDown();
							assertThat(this.release.await(20, TimeUnit.SECONDS)).isTrue();
							throw new IllegalStateException("database unavailable");
						}
						return ProductService.product(id, "loaded-by-b");
					});
					Future<Product> fromA = this.pool.submit(() -> a.getBean(PriceService.class).price(9));
					assertThat(aLoading.await(20, TimeUnit.SECONDS)).isTrue();
					Future<Product> fromB = this.pool.submit(() -> b.getBean(PriceService.class).price(9));
					await().atMost(Duration.ofSeconds(10))
						.until(() -> count(b, "cache.gets", "prices", "result", "miss") == 1);
					this.release.countDown();
					assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> fromA.get(20, TimeUnit.SECONDS))
						.withStackTraceContaining("database unavailable");
					// far sooner than the 60 s lock TTL: the failed holder released its lock
					assertThat(fromB.get(20, TimeUnit.SECONDS).name()).isEqualTo("loaded-by-b");
					assertThat(this.prices.loadCount()).isEqualTo(2);
				}));
	}

	@Test
	void whenTheLockHoldersInstanceGoesAwayAnotherLoadsOnceTheLockExpires() {
		ApplicationContextRunner shortLock = instances().withPropertyValues("redisboot.cache.lock-ttl=2s",
				"redisboot.cache.lock-wait=60s");
		shortLock.run((b) -> {
			CountDownLatch aLoading = new CountDownLatch(1);
			AtomicInteger calls = new AtomicInteger();
			this.prices.loader((id) -> {
				if (calls.incrementAndGet() == 1) {
					aLoading.countDown();
					this.release.await(); // the instance hangs and is shut down mid-load
					throw new IllegalStateException("never completes");
				}
				return ProductService.product(id, "loaded-by-b");
			});
			shortLock.run((a) -> {
				this.pool.submit(() -> a.getBean(PriceService.class).price(11));
				assertThat(aLoading.await(20, TimeUnit.SECONDS)).isTrue();
			}); // instance A's context closes here, its loader still stuck and its lock never released
			Product fromB = this.pool.submit(() -> b.getBean(PriceService.class).price(11)).get(20, TimeUnit.SECONDS);
			assertThat(fromB.name()).isEqualTo("loaded-by-b");
			assertThat(lockWaits(b, "took-over")).as("B waited, then took the expired lock over").isEqualTo(1);
			Timer waits = b.getBean(MeterRegistry.class)
				.get("cache.lock.waits")
				.tag("cache", "prices")
				.tag("outcome", "took-over")
				.timer();
			assertThat(waits.totalTime(TimeUnit.MILLISECONDS))
				.as("about the 2 s lock TTL, far below the 60 s lock-wait")
				.isLessThan(10_000);
		});
	}

	@Test
	void nearCacheServesFromMemoryAndDropsEntriesChangedOnAnotherInstance() {
		ApplicationContextRunner near = instances().withPropertyValues("redisboot.cache.caches.prices.near-cache.enabled=true");
		near.run((a) -> near.run((b) -> {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> a.getBean(NearCacheInvalidation.class).isSubscribed()
						&& b.getBean(NearCacheInvalidation.class).isSubscribed());
			PriceService onA = a.getBean(PriceService.class);
			PriceService onB = b.getBean(PriceService.class);
			double invalidationsBefore = counted(b, "cache.near.invalidations", "prices");
			assertThat(onA.price(1).name()).isEqualTo("price-1");
			assertThat(onB.price(1).name()).isEqualTo("price-1"); // from Redis, now in B's memory
			assertThat(onB.price(1).name()).isEqualTo("price-1");
			assertThat(counted(b, "cache.near.gets", "prices", "result", "hit")).isEqualTo(1);
			onA.price(2);
			onA.price(3);
			assertThat(counted(b, "cache.near.invalidations", "prices"))
				.as("loads after a miss are not broadcast").isEqualTo(invalidationsBefore);

			onA.update(ProductService.product(1, "renamed"));
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(onB.price(1).name()).isEqualTo("renamed"));
			assertThat(this.prices.loadCount()).as("the new value came from Redis, not a load").isEqualTo(3);
			assertThat(onA.price(1).name()).as("A's own near cache has its write").isEqualTo("renamed");

			onB.price(2); // B keeps 2 in memory
			onA.evict(2);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> counted(b, "cache.near.invalidations", "prices") >= invalidationsBefore + 2);
			onB.price(2);
			assertThat(this.prices.loadCount()).as("B loads the evicted entry again").isEqualTo(4);

			onB.price(3);
			a.getBean(CacheManager.class).getCache("prices").clear();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> counted(b, "cache.near.invalidations", "prices") >= invalidationsBefore + 3);
			onB.price(3);
			assertThat(this.prices.loadCount()).as("B loads again after A cleared the cache").isEqualTo(5);
		}));
	}

	@Test
	void nearCachedPlainCacheableLoadsUnannouncedWhileProgrammaticPutsAreAnnounced() {
		ApplicationContextRunner near = instances().withPropertyValues("redisboot.cache.caches.plain.near-cache.enabled=true");
		near.run((a) -> near.run((b) -> {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> a.getBean(NearCacheInvalidation.class).isSubscribed()
						&& b.getBean(NearCacheInvalidation.class).isSubscribed());
			assertThat(a.getBean(PriceService.class).plain(1).name()).isEqualTo("price-1");
			assertThat(b.getBean(PriceService.class).plain(1).name()).isEqualTo("price-1");
			assertThat(this.prices.loadCount()).as("a near cache synchronizes plain @Cacheable").isEqualTo(1);
			assertThat(counted(b, "cache.near.invalidations", "plain")).as("the load was not announced").isZero();
			// a put after a miss on the same thread may follow a call that failed: it is announced
			org.springframework.cache.Cache cache = a.getBean(CacheManager.class).getCache("plain");
			assertThat(cache.get(2L)).isNull();
			cache.put(2L, ProductService.product(2, "put"));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> counted(b, "cache.near.invalidations", "plain") == 1);
		}));
	}

	@Test
	void refreshAheadRefreshesAHotKeyInTheBackgroundOnceAndNoCallMisses() {
		ApplicationContextRunner refreshing = instances().withPropertyValues("redisboot.cache.caches.prices.ttl=4s",
				"redisboot.cache.caches.prices.refresh-ahead=50%");
		refreshing.run((a) -> refreshing.run((b) -> {
			AtomicInteger version = new AtomicInteger();
			this.prices.loader((id) -> ProductService.product(id, "v" + version.incrementAndGet()));
			PriceService onA = a.getBean(PriceService.class);
			PriceService onB = b.getBean(PriceService.class);
			assertThat(onA.price(1).name()).isEqualTo("v1");
			await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
				assertThat(onA.price(1).name()).isIn("v1", "v2");
				assertThat(onB.price(1).name()).isEqualTo("v2");
			});
			assertThat(this.prices.loadCount()).as("one load, one background refresh across both instances")
				.isEqualTo(2);
			assertThat(count(a, "cache.gets", "prices", "result", "miss")).as("only the first call missed")
				.isEqualTo(1);
			assertThat(counted(b, "cache.gets", "prices", "result", "miss")).isEqualTo(0);
			assertThat(counted(a, "cache.refreshes", "prices", "outcome", "success")
					+ counted(b, "cache.refreshes", "prices", "outcome", "success"))
				.isEqualTo(1);
			assertThat(pttl(a, key("prices", 1))).as("the refresh wrote a fresh TTL").isGreaterThan(2000);
		}));
	}

	private static double counted(AssertableApplicationContext context, String name, String cache, String... tags) {
		return Math.max(0, count(context, name, cache, tags));
	}

	private static double lockWaits(AssertableApplicationContext context, String outcome) {
		Timer timer = context.getBean(MeterRegistry.class)
			.find("cache.lock.waits")
			.tag("outcome", outcome)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	@FunctionalInterface
	interface Call {

		Product call(PriceService service, long id) throws Exception;

	}

}

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

import dev.redisboot.cache.fixtures.Product;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Synchronized loads ({@code Cache.get(key, loader)}, as {@code @Cacheable(sync = true)})
 * at their edges: another instance's wait for a held lock runs out after {@code lock-wait},
 * a loader that asks for its own key, and callers in this JVM waiting for a loader that
 * fails.
 */
@ExtendWith(OutputCaptureExtension.class)
class CacheLoadEdgeCasesIntegrationTests extends CacheIntegrationTestSupport {

	private final ExecutorService pool = Executors.newFixedThreadPool(8);

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void shutDown() {
		this.release.countDown();
		this.pool.shutdownNow();
	}

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

	/**
	 * Documented: a caller in another instance waits for the lock holder's value up to
	 * {@code lock-wait}, then loads the value itself (without the lock, which it leaves to
	 * its holder), counted as a {@code timeout} lock wait and warned once.
	 */
	@Test
	@Timeout(60)
	void anotherInstanceWaitsForAHeldLockOnlyUntilLockWaitThenLoadsItself(CapturedOutput output) {
		var instances = runner().withPropertyValues("redisboot.cache.lock-ttl=60s", "redisboot.cache.lock-wait=300ms");
		instances.run((a) -> instances.run((b) -> {
			CountDownLatch aLoading = new CountDownLatch(1);
			Future<Product> fromA = this.pool.submit(() -> products(a).get(3L, () -> {
				aLoading.countDown();
				assertThat(this.release.await(30, TimeUnit.SECONDS)).isTrue();
				return ProductService.product(3, "loaded-by-a");
			}));
			assertThat(aLoading.await(20, TimeUnit.SECONDS)).isTrue();
			assertThat(scan(a, prefix() + ":cache-lock*")).as("A holds the lock").hasSize(1);
			long start = System.nanoTime();
			Product fromB = products(b).get(3L, () -> ProductService.product(3, "loaded-by-b"));
			long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(fromB.name()).as("B gave up waiting and loaded itself").isEqualTo("loaded-by-b");
			assertThat(waitedMillis).as("about lock-wait, far below the 60 s lock TTL")
				.isGreaterThanOrEqualTo(300)
				.isLessThan(20_000);
			Timer timeouts = b.getBean(MeterRegistry.class)
				.get("cache.lock.waits")
				.tag("cache", "products")
				.tag("outcome", "timeout")
				.timer();
			assertThat(timeouts.count()).isEqualTo(1);
			assertThat(timeouts.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(300);
			assertThat(scan(a, prefix() + ":cache-lock*")).as("B left A's lock alone").hasSize(1);
			this.release.countDown();
			assertThat(fromA.get(20, TimeUnit.SECONDS).name()).isEqualTo("loaded-by-a");
			assertThat(scan(a, prefix() + ":cache-lock*")).as("A released its lock").isEmpty();
		}));
		assertThat(AbstractCacheFaultIntegrationTests.lines(output, "Gave up waiting 300 ms")).isEqualTo(1);
	}

	/**
	 * Documented: a loader that asks for its own key fails instead of waiting for itself;
	 * its Redis lock is released, and the next call loads normally.
	 */
	@Test
	@Timeout(30)
	void aLoaderThatAsksForItsOwnKeyFailsInsteadOfDeadlocking() {
		runner().withPropertyValues("redisboot.cache.lock-ttl=60s").run((context) -> {
			Cache products = products(context);
			assertThatExceptionOfType(Cache.ValueRetrievalException.class)
				.isThrownBy(() -> products.get(4L,
						() -> products.get(4L, () -> ProductService.product(4, "inner"))))
				.havingRootCause()
				.isInstanceOf(IllegalStateException.class)
				.withMessageContaining("asked for its own key");
			assertThat(scan(context, prefix() + ":cache-lock*")).as("lock released").isEmpty();
			assertThat(raw(context, key("products", 4))).as("nothing stored").isNull();
			assertThat(products.get(4L, () -> ProductService.product(4, "next")).name()).isEqualTo("next");
		});
	}

	/**
	 * Documented: callers in this JVM that miss a key being loaded wait for the loader (not
	 * for lock-wait: they do not load themselves) and get its exception as soon as it fails;
	 * the loader ran once, and the next call loads again.
	 */
	@Test
	@Timeout(60)
	void waitersInThisJvmGetTheLoadersExceptionAsSoonAsItFails() throws Exception {
		runner().withPropertyValues("redisboot.cache.lock-wait=200ms").run((context) -> {
			Cache products = products(context);
			AtomicInteger loads = new AtomicInteger();
			CountDownLatch loading = new CountDownLatch(1);
			Future<Product> loader = this.pool.submit(() -> products.get(5L, () -> {
				loads.incrementAndGet();
				loading.countDown();
				assertThat(this.release.await(30, TimeUnit.SECONDS)).isTrue();
				throw new IllegalStateException("database unavailable");
			}));
			assertThat(loading.await(20, TimeUnit.SECONDS)).isTrue();
			int waiters = 5;
			List<Future<Product>> waiting = new ArrayList<>();
			for (int i = 0; i < waiters; i++) {
				waiting.add(this.pool.submit(() -> products.get(5L, () -> {
					loads.incrementAndGet();
					return ProductService.product(5, "loaded-by-a-waiter");
				})));
			}
			await().atMost(Duration.ofSeconds(20))
				.until(() -> count(context, "cache.gets", "products", "result", "miss") == 1 + waiters);
			// longer than lock-wait: the waiters in this JVM still wait for the loader
			await().pollDelay(Duration.ofMillis(400)).atMost(Duration.ofSeconds(5))
				.until(() -> waiting.stream().noneMatch(Future::isDone));
			long released = System.nanoTime();
			this.release.countDown();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> loader.get(20, TimeUnit.SECONDS))
				.withStackTraceContaining("database unavailable");
			for (Future<Product> waiter : waiting) {
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> waiter.get(10, TimeUnit.SECONDS))
					.withCauseInstanceOf(Cache.ValueRetrievalException.class)
					.withStackTraceContaining("database unavailable");
			}
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - released))
				.as("the waiters were released with the loader's failure, not by a timeout")
				.isLessThan(10_000);
			assertThat(loads).as("the loader ran once").hasValue(1);
			assertThat(scan(context, prefix() + ":cache-lock*")).as("lock released").isEmpty();
			assertThat(products.get(5L, () -> ProductService.product(5, "next")).name()).isEqualTo("next");
		});
	}

	private static Cache products(AssertableApplicationContext context) {
		return context.getBean(CacheManager.class).getCache("products");
	}

}

package dev.redisboot.cache;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.redisboot.cache.CacheAccess.Outcome;
import dev.redisboot.cache.fixtures.PriceService;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link CacheAccessListener} beans against a real Redis: each hit (near cache or Redis),
 * miss, load, put, eviction and clear is told with its cache, key and duration; caches a
 * listener does not support tell it nothing; a listener that throws never fails the cache.
 */
@WithRedis
class CacheAccessListenerIntegrationTests extends CacheIntegrationTestSupport {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

	@Test
	void eachAccessIsToldWithItsCacheKeyAndOutcome() {
		Recorder recorder = new Recorder("products");
		runner().withBean(CacheAccessListener.class, () -> recorder).run((context) -> {
			ProductService service = context.getBean(ProductService.class);
			service.find(1);
			service.find(1);
			service.update(ProductService.product(1, "renamed"));
			service.remove(1);
			service.stat("visits"); // another cache: not supported by the recorder
			context.getBean(CacheManager.class).getCache("products").clear();
			assertThat(recorder.accesses).extracting(CacheAccess::outcome)
				.containsExactly(Outcome.MISS, Outcome.LOAD, Outcome.HIT_REDIS, Outcome.PUT, Outcome.EVICT,
						Outcome.CLEAR);
			assertThat(recorder.accesses).extracting(CacheAccess::key).containsExactly(1L, 1L, 1L, 1L, 1L, null);
			assertThat(recorder.accesses).extracting(CacheAccess::cacheName).containsOnly("products");
			assertThat(recorder.accesses).allSatisfy((access) -> assertThat(access.nanos()).isPositive());
		});
	}

	@Test
	void nearCacheHitsAreToldApartAndALoadCarriesItsDuration() {
		Recorder recorder = new Recorder("prices");
		PriceService prices = new PriceService();
		prices.loader((id) -> {
			Thread.sleep(50); // the load being measured, not a race
			return ProductService.product(id, "slow");
		});
		runner().withBean(PriceService.class, () -> prices)
			.withBean(CacheAccessListener.class, () -> recorder)
			.withPropertyValues("redisboot.cache.caches.prices.near-cache.enabled=true")
			.run((context) -> {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> context.getBean(NearCacheInvalidation.class).isSubscribed());
				PriceService service = context.getBean(PriceService.class);
				service.price(7);
				service.price(7);
				assertThat(recorder.accesses).extracting(CacheAccess::outcome)
					.containsExactly(Outcome.MISS, Outcome.LOAD, Outcome.HIT_NEAR);
				assertThat(recorder.accesses.get(1).duration()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
				assertThat(recorder.accesses.get(2).duration()).isLessThan(Duration.ofMillis(50));
				assertThat(Outcome.HIT_NEAR.label()).isEqualTo("hit-near");
			});
	}

	@Test
	void aListenerThatThrowsNeverFailsTheCacheAndTheOthersAreStillTold() {
		Recorder recorder = new Recorder("products");
		runner().withBean("failing", CacheAccessListener.class, () -> (access) -> {
			throw new IllegalStateException("listener bug");
		}).withBean("recorder", CacheAccessListener.class, () -> recorder).run((context) -> {
			Cache cache = context.getBean(CacheManager.class).getCache("products");
			cache.put(3L, ProductService.product(3, "three"));
			assertThat(cache.get(3L)).isNotNull();
			cache.evict(3L);
			assertThat(recorder.accesses).extracting(CacheAccess::outcome)
				.containsExactly(Outcome.PUT, Outcome.HIT_REDIS, Outcome.EVICT);
		});
	}

	@Test
	void aCacheNoListenerSupportsHasNoListeners() {
		runner().withBean(CacheAccessListener.class, () -> new Recorder("other")).run((context) -> {
			RedisbootCache cache = (RedisbootCache) context.getBean(CacheManager.class).getCache("products");
			assertThat(cache).extracting("listeners").isNull();
		});
	}

	static final class Recorder implements CacheAccessListener {

		private final String cacheName;

		final List<CacheAccess> accesses = new CopyOnWriteArrayList<>();

		Recorder(String cacheName) {
			this.cacheName = cacheName;
		}

		@Override
		public void onAccess(CacheAccess access) {
			this.accesses.add(access);
		}

		@Override
		public boolean supports(String cacheName) {
			return this.cacheName.equals(cacheName);
		}

	}

}

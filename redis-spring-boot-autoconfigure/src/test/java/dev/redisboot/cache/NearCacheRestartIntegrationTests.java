package dev.redisboot.cache;

import java.time.Duration;

import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.cache.fixtures.PriceService;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis restarts under two instances with near caches: while the invalidation channel is
 * down the near caches are bypassed, and once it is subscribed again they have been cleared,
 * so no entry that may have changed meanwhile is served from memory.
 */
@WithRedis(isolated = true)
class NearCacheRestartIntegrationTests {

	private final PriceService prices = new PriceService();

	private ApplicationContextRunner runner(StandaloneRedis redis) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
					RedisbootCacheAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, redis::connectionDetails)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(PriceService.class, () -> this.prices)
			.withPropertyValues("redisboot.key-prefix=restart",
					"redisboot.cache.allowed-packages=dev.redisboot.cache.fixtures", "redisboot.cache.timeout=300ms",
					"redisboot.cache.circuit-breaker.open-duration=200ms",
					"redisboot.cache.caches.prices.near-cache.enabled=true");
	}

	@Test
	void nearCachesAreBypassedWhileRedisIsDownAndClearedWhenTheChannelResubscribes(StandaloneRedis redis) {
		ApplicationContextRunner runner = runner(redis);
		runner.run((a) -> runner.run((b) -> {
			NearCacheInvalidation channelA = a.getBean(NearCacheInvalidation.class);
			NearCacheInvalidation channelB = b.getBean(NearCacheInvalidation.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> channelA.isSubscribed() && channelB.isSubscribed());
			PriceService onA = a.getBean(PriceService.class);
			PriceService onB = b.getBean(PriceService.class);
			onA.price(1);
			onB.price(1);
			onB.price(1);
			assertThat(nearGets(b, "hit")).as("B serves the entry from memory").isEqualTo(1);
			assertThat(this.prices.loadCount()).isEqualTo(1);

			RedisNode node = redis.nodes().get(0);
			node.kill();
			await().atMost(Duration.ofSeconds(10)).until(() -> !channelB.isSubscribed());
			onB.price(1);
			assertThat(nearGets(b, "hit")).as("bypassed while the channel is down").isEqualTo(1);
			assertThat(this.prices.loadCount()).as("no Redis, no near cache: the method ran").isEqualTo(2);

			node.start();
			await().atMost(Duration.ofSeconds(30)).until(() -> channelA.isSubscribed() && channelB.isSubscribed());
			double missesBefore = nearGets(b, "miss");
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				onB.price(1); // the restarted Redis is empty: loaded again, not served from a stale memory copy
				assertThat(nearGets(b, "hit")).isEqualTo(1);
				assertThat(nearGets(b, "miss")).isGreaterThan(missesBefore);
				assertThat(a.getBean(org.springframework.data.redis.core.StringRedisTemplate.class)
					.hasKey("restart:cache:prices:1")).isTrue();
			});
			int loads = this.prices.loadCount();
			onA.update(ProductService.product(1, "after-restart"));
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(onB.price(1).name()).isEqualTo("after-restart"));
			assertThat(this.prices.loadCount()).isEqualTo(loads);
			assertThat(nearInvalidations(b)).as("cleared on disconnect and on resubscribe, plus the update")
				.isGreaterThanOrEqualTo(3);
		}));
	}

	private static double nearGets(AssertableApplicationContext context, String result) {
		Counter counter = context.getBean(MeterRegistry.class)
			.find("cache.near.gets")
			.tag("cache", "prices")
			.tag("result", result)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private static double nearInvalidations(AssertableApplicationContext context) {
		Counter counter = context.getBean(MeterRegistry.class)
			.find("cache.near.invalidations")
			.tag("cache", "prices")
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}

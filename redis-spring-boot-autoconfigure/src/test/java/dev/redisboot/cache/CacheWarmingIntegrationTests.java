package dev.redisboot.cache;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link CacheWarmer} beans run after startup, bounded in time and metered.
 */
@WithRedis
class CacheWarmingIntegrationTests {

	/**
	 * Never counted down: slow warmers wait on it for {@link #LONGER_THAN_ANY_TIMEOUT}, far
	 * longer than the warming timeouts of these tests, but not for ever, so that a bug cannot
	 * leave threads waiting after the class.
	 */
	static final CountDownLatch neverReleased = new CountDownLatch(1);

	static final Duration LONGER_THAN_ANY_TIMEOUT = Duration.ofSeconds(60);

	static final AtomicBoolean slowWarmerInterrupted = new AtomicBoolean();

	private ConfigurableApplicationContext start(Class<?> configuration, String... properties) {
		String prefix = "warm-" + UUID.randomUUID().toString().substring(0, 8);
		return new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
			.properties("redisboot.key-prefix=" + prefix, "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	private static String key(ConfigurableApplicationContext context, String cache, String key) {
		return context.getEnvironment().getProperty("redisboot.key-prefix") + ":cache:" + cache + ":" + key;
	}

	private static Timer warmingTimer(ConfigurableApplicationContext context, String outcome) {
		return context.getBean(MeterRegistry.class).find("cache.warming").tag("outcome", outcome).timer();
	}

	static final CountDownLatch releaseWarmer = new CountDownLatch(1);

	@Test
	void startupDoesNotWaitForWarmersAndTheyAreMetered() {
		try (ConfigurableApplicationContext context = start(WarmingConfiguration.class)) {
			assertThat(context.isRunning()).as("started while the warmer still waits").isTrue();
			assertThat(warmingTimer(context, "success")).isNull();
			releaseWarmer.countDown();
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(redis.hasKey(key(context, "products", "top"))).isTrue());
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				Timer timer = warmingTimer(context, "success");
				assertThat(timer).isNotNull();
				assertThat(timer.getId().getTag("warmer")).isEqualTo("topProducts");
				assertThat(timer.count()).isEqualTo(1);
			});
		}
	}

	@Test
	void waitForCompletionWarmsBeforeStartupReturns() {
		try (ConfigurableApplicationContext context = start(QuickWarmingConfiguration.class,
				"redisboot.cache.warming.wait-for-completion=true")) {
			assertThat(context.getBean(StringRedisTemplate.class).hasKey(key(context, "products", "top"))).isTrue();
		}
	}

	@Test
	void moreSlowWarmersThanThreadsAllTimeOutAndStartupWaitsOnlyAsLongAsTheTimeout() {
		long started = System.nanoTime();
		try (ConfigurableApplicationContext context = start(ManySlowWarmersConfiguration.class,
				"redisboot.cache.warming.timeout=300ms", "redisboot.cache.warming.wait-for-completion=true")) {
			Duration startup = Duration.ofNanos(System.nanoTime() - started);
			// had startup waited for the warmers, it would have taken LONGER_THAN_ANY_TIMEOUT (60s);
			// half of that leaves a loaded machine ample room for a context start plus 300ms
			assertThat(startup).as("startup waited for the timeout, not for the warmers")
				.isLessThan(LONGER_THAN_ANY_TIMEOUT.dividedBy(2));
			Timer timeouts = warmingTimer(context, "timeout");
			assertThat(context.getBean(MeterRegistry.class).find("cache.warming").tag("outcome", "timeout").timers())
				.as("every warmer reported a timeout before startup returned")
				.hasSize(6);
			assertThat(timeouts).isNotNull();
		}
	}

	@Test
	void slowWarmerIsInterruptedAtTheTimeout() {
		try (ConfigurableApplicationContext context = start(SlowWarmingConfiguration.class,
				"redisboot.cache.warming.timeout=300ms")) {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(warmingTimer(context, "timeout")).isNotNull();
				assertThat(slowWarmerInterrupted).isTrue();
			});
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
			RedisbootCacheAutoConfiguration.class })
	static class RedisConfiguration {

		@Bean
		DataRedisConnectionDetails redisConnectionDetails() {
			return RedisDeployments.sharedStandalone().connectionDetails();
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@org.springframework.context.annotation.Import(RedisConfiguration.class)
	static class WarmingConfiguration {

		@Bean
		CacheWarmer topProducts() {
			return (cacheManager) -> {
				assertThat(releaseWarmer.await(30, TimeUnit.SECONDS)).as("released by the test").isTrue();
				cacheManager.getCache("products").put("top", "warm");
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@org.springframework.context.annotation.Import(RedisConfiguration.class)
	static class QuickWarmingConfiguration {

		@Bean
		CacheWarmer topProducts() {
			return (cacheManager) -> cacheManager.getCache("products").put("top", "warm");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@org.springframework.context.annotation.Import(RedisConfiguration.class)
	static class ManySlowWarmersConfiguration {

		@Bean
		CacheWarmer slow1() {
			return CacheWarmingIntegrationTests::waitLongerThanTheTimeout;
		}

		@Bean
		CacheWarmer slow2() {
			return CacheWarmingIntegrationTests::waitLongerThanTheTimeout;
		}

		@Bean
		CacheWarmer slow3() {
			return CacheWarmingIntegrationTests::waitLongerThanTheTimeout;
		}

		@Bean
		CacheWarmer slow4() {
			return CacheWarmingIntegrationTests::waitLongerThanTheTimeout;
		}

		@Bean
		CacheWarmer slow5() {
			return CacheWarmingIntegrationTests::waitLongerThanTheTimeout;
		}

		@Bean
		CacheWarmer slow6() {
			return CacheWarmingIntegrationTests::waitLongerThanTheTimeout;
		}

	}

	static void waitLongerThanTheTimeout(org.springframework.cache.CacheManager cacheManager)
			throws InterruptedException {
		neverReleased.await(LONGER_THAN_ANY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Configuration(proxyBeanMethods = false)
	@org.springframework.context.annotation.Import(RedisConfiguration.class)
	static class SlowWarmingConfiguration {

		@Bean
		CacheWarmer slowWarmer() {
			return (cacheManager) -> {
				try {
					neverReleased.await(LONGER_THAN_ANY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					slowWarmerInterrupted.set(true);
					throw ex;
				}
			};
		}

	}

}

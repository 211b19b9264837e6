package dev.redisboot.cache.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.redisboot.cache.CacheInvalidator;
import dev.redisboot.cache.CacheSettings;
import dev.redisboot.cache.NearCacheInvalidation;
import dev.redisboot.cache.RedisbootCache;
import dev.redisboot.cache.RedisbootCacheManager;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.core.autoconfigure.InvalidPropertyFailureAnalyzer;
import dev.redisboot.core.CacheStatisticsProvider;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisServerConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.AutoConfigureAfter;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizer;
import org.springframework.boot.cache.autoconfigure.CacheManagerCustomizers;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and property validation of {@link RedisbootCacheAutoConfiguration}; no Redis is
 * contacted (creating the connection factory does not connect).
 */
class RedisbootCacheAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RedisbootCacheAutoConfiguration.class, CacheAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1");

	@Test
	void autoConfiguresCacheManagerAndEnablesCaching() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RedisbootCacheManager.class)
				.hasSingleBean(CacheAspectSupport.class)
				.hasSingleBean(CacheInvalidator.class);
			assertThat(context).getBean("cacheManager").isInstanceOf(RedisbootCacheManager.class);
		});
	}

	@Test
	void usersCacheManagerWins() {
		this.runner.withUserConfiguration(UserCacheManagerConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(RedisbootCacheManager.class).doesNotHaveBean(CacheInvalidator.class);
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
		});
	}

	@Test
	void canBeSwitchedOff() {
		this.runner.withPropertyValues("redisboot.cache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RedisbootCacheManager.class));
	}

	@Test
	void backsOffWithoutRedis() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RedisbootAutoConfiguration.class, RedisbootCacheAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RedisbootCacheManager.class));
	}

	@Test
	void listedCachesExistAtStartup() {
		this.runner.withPropertyValues("redisboot.cache.caches.products.ttl=15m", "redisboot.cache.caches.users.ttl=1h")
			.run((context) -> assertThat(context.getBean(CacheManager.class).getCacheNames())
				.containsExactlyInAnyOrder("products", "users"));
	}

	@Test
	void negativeTtlFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues("redisboot.cache.caches.products.ttl=-5m"),
				"redisboot.cache.caches.products.ttl", "must be positive");
	}

	@Test
	void jitterAboveHalfFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues("redisboot.cache.ttl-jitter=60%"), "redisboot.cache.ttl-jitter",
				"at most 50%");
	}

	@Test
	void nearCacheChannelExistsOnlyWhenANearCacheIsEnabled() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(NearCacheInvalidation.class));
		this.runner.withPropertyValues("redisboot.cache.caches.products.near-cache.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(NearCacheInvalidation.class));
		this.runner.withPropertyValues("redisboot.cache.near-cache.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(NearCacheInvalidation.class));
	}

	@Test
	void nearCacheTtlLongerThanTheCacheTtlFails() {
		assertFailure(this.runner.withPropertyValues("redisboot.cache.caches.products.ttl=30s",
				"redisboot.cache.caches.products.near-cache.enabled=true",
				"redisboot.cache.caches.products.near-cache.ttl=5m"), "redisboot.cache.caches.products.near-cache.ttl",
				"redisboot.cache.caches.products.ttl=PT30S");
	}

	@Test
	void nearCacheOfNoEntriesFails() {
		assertFailure(this.runner.withPropertyValues("redisboot.cache.near-cache.enabled=true",
				"redisboot.cache.near-cache.max-size=0"), "redisboot.cache.near-cache.max-size", "at least 1");
	}

	@Test
	void refreshAheadWithTimeToIdleFailsNamingBothProperties() {
		assertFailure(this.runner.withPropertyValues("redisboot.cache.time-to-idle=10m",
				"redisboot.cache.caches.products.refresh-ahead=80%"), "redisboot.cache.caches.products.refresh-ahead",
				"redisboot.cache.time-to-idle");
	}

	@Test
	void refreshAheadOfTheWholeTtlFails() {
		assertFailure(this.runner.withPropertyValues("redisboot.cache.caches.products.refresh-ahead=100%"),
				"redisboot.cache.caches.products.refresh-ahead", "below 100%");
	}

	@Test
	void lockTtlAboveTenMinutesFails() {
		assertFailure(this.runner.withPropertyValues("redisboot.cache.lock-ttl=1h"), "redisboot.cache.lock-ttl",
				"at most 10 minutes");
	}

	@Test
	void refreshThreadsOutOfRangeFail() {
		assertFailure(this.runner.withPropertyValues("redisboot.cache.refresh-threads=0"),
				"redisboot.cache.refresh-threads", "from 1 to 64");
	}

	@Test
	void cacheSettingsCarryLoadingAndNearCache() {
		this.runner
			.withPropertyValues("redisboot.cache.caches.products.ttl=15m",
					"redisboot.cache.caches.products.refresh-ahead=80%",
					"redisboot.cache.caches.products.lock-ttl=3s", "redisboot.cache.lock-wait=4s",
					"redisboot.cache.caches.products.near-cache.enabled=true",
					"redisboot.cache.caches.products.near-cache.max-size=500")
			.run((context) -> {
				RedisbootCache cache = (RedisbootCache) context.getBean(CacheManager.class).getCache("products");
				CacheSettings settings = cache.getSettings();
				assertThat(settings.loading())
					.isEqualTo(new CacheSettings.Loading(true, Duration.ofSeconds(3), Duration.ofSeconds(4), 0.8));
				assertThat(settings.nearCache()).isEqualTo(new CacheSettings.NearCache(500, Duration.ofMinutes(1)));
			});
	}

	@Test
	void jitterThatIsNotAPercentageFails() {
		assertFailure(this.runner.withPropertyValues("redisboot.cache.caches.users.ttl-jitter=lots"),
				"redisboot.cache.caches.users.ttl-jitter", "not a percentage");
	}

	@Test
	void unknownCompressionCodecFailsNamingTheProperty() {
		this.runner.withPropertyValues("redisboot.cache.compression.codec=brotli").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("brotli");
			assertThat(context.getStartupFailure()).hasStackTraceContaining("redisboot.cache.compression.codec");
		});
	}

	@Test
	void encryptionWithoutKeysFailsAndSaysHowToFixIt() {
		assertFailure(this.runner.withPropertyValues("redisboot.cache.caches.patients.encryption.enabled=true"),
				"redisboot.cache.encryption.keys", "no key is configured");
	}

	@Test
	void invalidKeyFailsWithoutShowingIt() {
		String badKey = "dGVuLWJ5dGVzIQ=="; // 10 bytes: not an AES key size
		this.runner
			.withPropertyValues("redisboot.cache.encryption.enabled=true", "redisboot.cache.encryption.active-key-id=k1",
					"redisboot.cache.encryption.keys.k1=" + badKey)
			.run((context) -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription()).contains("redisboot.cache.encryption.keys")
					.doesNotContain(badKey);
				assertThat(context.getStartupFailure()).hasStackTraceContaining("redisboot.cache.encryption.keys");
			});
	}

	@Test
	void encryptionKeyCanComeFromAnEnvironmentVariable() {
		String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new org.springframework.core.env.SystemEnvironmentPropertySource("systemEnvironment",
						java.util.Map.of("REDISBOOT_CACHE_ENCRYPTION_KEYS_2026A", key))))
			.withPropertyValues("redisboot.cache.encryption.enabled=true", "redisboot.cache.encryption.active-key-id=2026a")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				dev.redisboot.cache.RedisbootCache cache = (dev.redisboot.cache.RedisbootCache) context
					.getBean(CacheManager.class)
					.getCache("any");
				assertThat(cache.getSettings().envelope().getKeyRing().getKeyIds()).containsExactly("2026a");
			});
	}

	@Test
	void unlistedCacheUsedInCodeFailsStartupWhenNotAllowed() {
		assertFailure(this.runner.withBean(ProductService.class)
			.withPropertyValues("redisboot.cache.allow-unlisted=false", "redisboot.cache.caches.products.ttl=15m"),
				"redisboot.cache.allow-unlisted", "'stats' used by ProductService.stat");
	}

	@Test
	void everyCacheUsedInCodeListedStartsFine() {
		this.runner.withBean(ProductService.class)
			.withPropertyValues("redisboot.cache.allow-unlisted=false", "redisboot.cache.caches.products.ttl=15m",
					"redisboot.cache.caches.lookups.ttl=1m", "redisboot.cache.caches.stats.ttl=1m")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(CacheManager.class).getCache("unknown")).isNull();
			});
	}

	@Test
	void builderCustomizersAreAppliedInOrderAfterTheProperties() {
		this.runner.withUserConfiguration(BuilderCustomizersConfiguration.class)
			.withPropertyValues("redisboot.cache.caches.products.ttl=15m")
			.run((context) -> {
				assertThat(context.getBean(BuilderCustomizersConfiguration.class).applied).containsExactly("first",
						"second");
				RedisbootCache products = (RedisbootCache) context.getBean(CacheManager.class).getCache("products");
				assertThat(products.getSettings().ttl()).isEqualTo(Duration.ofMinutes(3));
				assertThat(context.getBean(CacheManager.class).getCacheNames()).contains("from-customizer");
			});
	}

	@Test
	void springBootsCacheManagerCustomizersAreAppliedToo() {
		this.runner.withUserConfiguration(BootCustomizersConfiguration.class).run((context) -> {
			assertThat(context.getBean(BootCustomizersConfiguration.class).customized)
				.containsExactly(context.getBean(RedisbootCacheManager.class));
			assertThat(context.getBean(BootCustomizersConfiguration.class).otherTypeCalled).isFalse();
		});
	}

	@Test
	void anApplicationsCacheManagerCustomizersBeanIsUsedWhenDeclared() {
		List<CacheManager> customized = new ArrayList<>();
		this.runner
			.withBean(CacheManagerCustomizers.class,
					() -> new CacheManagerCustomizers(List.of((CacheManagerCustomizer<CacheManager>) customized::add)))
			.run((context) -> assertThat(customized).containsExactly(context.getBean(RedisbootCacheManager.class)));
	}

	@Test
	void worksWithoutSpringBootsCacheModule() {
		this.runner.withClassLoader(new FilteredClassLoader(CacheManagerCustomizers.class))
			.withUserConfiguration(BuilderCustomizersConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(RedisbootCacheManager.class));
	}

	@Test
	void theCachesCircuitBreakerIsANamedBeanThatOtherBreakersDoNotReplace() {
		this.runner.withUserConfiguration(OtherFeatureBreakerConfiguration.class).run((context) -> {
			RedisCircuitBreaker other = context.getBean("otherFeatureCircuitBreaker", RedisCircuitBreaker.class);
			RedisCircuitBreaker cache = context.getBean(RedisbootCacheAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME,
					RedisCircuitBreaker.class);
			assertThat(cache).isNotSameAs(other);
			assertThat(context.getBean(RedisbootCacheManager.class).getCircuitBreaker()).isSameAs(cache);
		});
	}

	@Test
	void theCachesCircuitBreakerDoesNotMakeAnotherFeatureBackOff() {
		this.runner.withConfiguration(AutoConfigurations.of(BreakerOnMissingBeanConfiguration.class))
			.run((context) -> assertThat(context).hasBean("anotherFeaturesBreaker")
				.hasBean(RedisbootCacheAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME));
	}

	@Test
	void theCachesCircuitBreakerIsReplacedByABeanOfItsName() {
		this.runner.withUserConfiguration(CacheBreakerConfiguration.class)
			.run((context) -> assertThat(context.getBean(RedisbootCacheManager.class).getCircuitBreaker())
				.isSameAs(context.getBean(RedisbootCacheAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME)));
	}

	@Test
	void statisticsAreReportedWhenMetricsKeepCounts() {
		this.runner.withPropertyValues("redisboot.cache.caches.products.ttl=15m").run((context) -> {
			CacheStatisticsProvider statistics = context.getBean(RedisbootCacheManager.class);
			assertThat(statistics.getCacheStatistics("products")).isNull();
		});
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("redisboot.cache.caches.products.ttl=15m")
			.run((context) -> {
				CacheStatisticsProvider statistics = context.getBean(RedisbootCacheManager.class);
				assertThat(statistics.getCacheStatistics("products")).isNotNull()
					.satisfies((products) -> assertThat(products.hits() + products.misses()).isZero());
				assertThat(statistics.getCacheStatistics("unknown")).isNull();
			});
	}

	@Test
	void aSingleSegmentApplicationPackageFailsSayingWhatWasDerivedAndWhatToSet() {
		ApplicationContextRunner inPackageApp = this.runner.withInitializer((context) -> AutoConfigurationPackages
			.register((BeanDefinitionRegistry) context.getBeanFactory(), "app"));
		inPackageApp.run((context) -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains("redisboot.cache.allowed-packages")
				.contains("<none>")
				.contains("application's package 'app'")
				.contains("@SpringBootApplication")
				.doesNotContain("'[]'");
			assertThat(analysis.getAction()).contains("redisboot.cache.allowed-packages").contains("app.model");
		});
		inPackageApp.withPropertyValues("redisboot.cache.allowed-packages=app.model")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(RedisbootCacheManager.class));
	}

	@Test
	void aMultiSegmentApplicationPackageIsAllowedWithoutConfiguration() {
		this.runner
			.withInitializer((context) -> AutoConfigurationPackages
				.register((BeanDefinitionRegistry) context.getBeanFactory(), "com.example.shop"))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void withoutCacheRedisPropertiesTheCachesShareTheApplicationsConnection() {
		this.runner.withPropertyValues("redisboot.cache.near-cache.enabled=true").run((context) -> {
			assertThat(context).doesNotHaveBean(RedisServerConnection.class);
			assertThat(context.getBeansOfType(LettuceConnectionFactory.class)).hasSize(1);
			assertThat(context.getBeansOfType(RedisUsage.class).values()).isNotEmpty()
				.allMatch(RedisUsage::isOnDefaultServer);
		});
	}

	@Test
	void cacheRedisPropertiesGiveTheCachesAConnectionOfTheirOwn() {
		this.runner.withPropertyValues("redisboot.cache.redis.host=cache.example", "redisboot.cache.redis.port=2",
				"redisboot.cache.redis.database=3", "redisboot.cache.redis.username=cacheuser",
				"redisboot.cache.redis.password=${CACHE_SECRET:s3cret}", "redisboot.cache.redis.timeout=750ms",
				"redisboot.cache.near-cache.enabled=true").run((context) -> {
					assertThat(context).hasNotFailed().hasSingleBean(RedisServerConnection.class);
					RedisServerConnection connection = context.getBean(RedisServerConnection.class);
					LettuceConnectionFactory application = context.getBean(LettuceConnectionFactory.class);
					LettuceConnectionFactory cache = connection.connectionFactory();
					assertThat(cache).isNotSameAs(application);
					assertThat(connection.name()).isEqualTo("cache");
					assertThat(cache.getStandaloneConfiguration().getHostName()).isEqualTo("cache.example");
					assertThat(cache.getStandaloneConfiguration().getPort()).isEqualTo(2);
					assertThat(cache.getStandaloneConfiguration().getDatabase()).isEqualTo(3);
					assertThat(cache.getStandaloneConfiguration().getUsername()).isEqualTo("cacheuser");
					assertThat(cache.getStandaloneConfiguration().getPassword().get()).isEqualTo("s3cret".toCharArray());
					assertThat(cache.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofMillis(750));
					assertThat(application.getStandaloneConfiguration().getPort()).isEqualTo(1);
					// one set of Lettuce threads for both connections
					assertThat(cache.getClientResources()).isSameAs(application.getClientResources());
					assertThat(ReflectionTestUtils.getField(context.getBean(NearCacheInvalidation.class),
							"connectionFactory")).isSameAs(cache);
					assertThat(context.getBeansOfType(RedisUsage.class).values()).extracting(RedisUsage::server)
						.containsOnly("cache");
				});
	}

	@Test
	void cacheRedisFromAClusterUrlAndNodesFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues("redisboot.cache.redis.url=redis://user:secret@cache:6379",
				"redisboot.cache.redis.cluster.nodes=a:7000,b:7001"), "redisboot.cache.redis.url",
				"redisboot.cache.redis.cluster.nodes is set too");
		assertFailure(this.runner.withPropertyValues("redisboot.cache.redis.sentinel.master=m",
				"redisboot.cache.redis.sentinel.nodes=a:26379", "redisboot.cache.redis.cluster.nodes=a:7000"),
				"redisboot.cache.redis.sentinel.nodes", "both set");
		assertFailure(this.runner.withPropertyValues("redisboot.cache.redis.url=http://cache:6379"),
				"redisboot.cache.redis.url", "not redis or rediss");
		assertFailure(this.runner.withPropertyValues("redisboot.cache.redis.client-type=jedis"),
				"redisboot.cache.redis.client-type", "Lettuce");
	}

	@Test
	void cacheRedisWithAnUnknownSslBundleFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues("redisboot.cache.redis.ssl.bundle=nope"),
				"redisboot.cache.redis.ssl.bundle", "No SSL bundle of that name");
	}

	private static void assertFailure(ApplicationContextRunner runner, String property, String reason) {
		runner.run((context) -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains(property).contains(reason);
		});
	}

	private static FailureAnalysis analyze(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer(null).analyze(context.getStartupFailure());
		assertThat(analysis).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	static class BuilderCustomizersConfiguration {

		final List<String> applied = new ArrayList<>();

		@Bean
		@Order(2)
		RedisbootCacheManagerBuilderCustomizer second() {
			return (builder) -> {
				this.applied.add("second");
				builder.cache("from-customizer", new CacheSettings(Duration.ofMinutes(1), 0, null, false,
						Duration.ofMinutes(1), dev.redisboot.core.codec.ValueEnvelope.defaults()));
			};
		}

		@Bean
		@Order(1)
		RedisbootCacheManagerBuilderCustomizer first() {
			return (builder) -> {
				this.applied.add("first");
				builder.cache("products", new CacheSettings(Duration.ofMinutes(3), 0, null, false,
						Duration.ofMinutes(1), dev.redisboot.core.codec.ValueEnvelope.defaults()));
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BootCustomizersConfiguration {

		final List<CacheManager> customized = new ArrayList<>();

		boolean otherTypeCalled;

		@Bean
		CacheManagerCustomizer<RedisbootCacheManager> redisbootCustomizer() {
			return this.customized::add;
		}

		@Bean
		CacheManagerCustomizer<ConcurrentMapCacheManager> concurrentMapCustomizer() {
			return (cacheManager) -> this.otherTypeCalled = true;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OtherFeatureBreakerConfiguration {

		@Bean
		RedisCircuitBreaker otherFeatureCircuitBreaker() {
			return new RedisCircuitBreaker(1, Duration.ofSeconds(1), Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CacheBreakerConfiguration {

		@Bean(RedisbootCacheAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME)
		RedisCircuitBreaker cacheBreaker() {
			return new RedisCircuitBreaker(1, Duration.ofSeconds(1), Clock.systemUTC());
		}

	}

	/**
	 * Stands for another feature's auto-configuration, after the cache's, that declares its
	 * breaker the way the cache's was declared before: it must not back off because of the
	 * cache's breaker.
	 */
	@Configuration(proxyBeanMethods = false)
	@AutoConfigureAfter(RedisbootCacheAutoConfiguration.class)
	static class BreakerOnMissingBeanConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisCircuitBreaker anotherFeaturesBreaker() {
			return new RedisCircuitBreaker(1, Duration.ofSeconds(1), Clock.systemUTC());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserCacheManagerConfiguration {

		@Bean
		CacheManager userCacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

}

package dev.redisboot.session.autoconfigure;

import dev.redisboot.core.autoconfigure.InvalidPropertyFailureAnalyzer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.session.ReactiveRedisbootSessionRepository;
import dev.redisboot.session.ReactiveSessionUnavailableFilter;
import dev.redisboot.session.RedisbootSessionRepository;
import dev.redisboot.session.SessionCleanup;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.session.autoconfigure.SessionAutoConfiguration;
import org.springframework.boot.session.data.redis.autoconfigure.SessionDataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebSessionIdResolverAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.session.MapSessionRepository;
import org.springframework.session.ReactiveMapSessionRepository;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.ReactiveRedisSessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;
import org.springframework.session.web.http.SessionRepositoryFilter;
import org.springframework.session.web.server.session.SpringSessionWebSessionStore;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.WebSessionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions, Spring Session's properties and validation of
 * {@link RedisbootSessionAutoConfiguration}; no Redis is contacted.
 */
class RedisbootSessionAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner reactiveRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RedisbootSessionAutoConfiguration.class, SessionDataRedisAutoConfiguration.class,
				SessionAutoConfiguration.class, WebSessionIdResolverAutoConfiguration.class,
				WebFluxAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1");

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RedisbootSessionAutoConfiguration.class, SessionDataRedisAutoConfiguration.class,
				SessionAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1");

	@Test
	void redisbootsRepositoryReplacesSpringSessionsDefaultOne() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(SessionRepository.class)
				.hasSingleBean(RedisbootSessionRepository.class)
				.hasSingleBean(SessionCleanup.class)
				.hasSingleBean(SessionRepositoryFilter.class);
			assertThat(context.getBean(RedisbootSessionRepository.class).getRedisKeyNamespace()).isEqualTo("session");
			FilterRegistrationBean<?> scope = context.getBean("redisbootSessionRequestScopeFilter",
					FilterRegistrationBean.class);
			assertThat(scope.getOrder()).isEqualTo(SessionRepositoryFilter.DEFAULT_ORDER - 1);
		});
	}

	@Test
	void keysStartWithTheKeyPrefixUnlessSpringSessionsNamespaceIsSet() {
		this.runner.withPropertyValues("redisboot.key-prefix=prod")
			.run((context) -> assertThat(context.getBean(RedisbootSessionRepository.class).getRedisKeyNamespace())
				.isEqualTo("prod:session"));
		this.runner.withPropertyValues("redisboot.key-prefix=prod", "spring.session.data.redis.namespace=shop:web")
			.run((context) -> assertThat(context.getBean(RedisbootSessionRepository.class).getRedisKeyNamespace())
				.isEqualTo("shop:web"));
	}

	@Test
	void sessionIdsAreStoredEncryptedOnlyWithAnApplicationKey() {
		this.runner.run((context) -> assertThat(context.getBean(RedisbootSessionRepository.class).canReturnSessionIds())
			.isFalse());
		this.runner.withPropertyValues("redisboot.key-digest-secret=c2Vzc2lvbi1rZXktZGlnZXN0LXNlY3JldC0zMmJ5dGU=")
			.run((context) -> assertThat(context.getBean(RedisbootSessionRepository.class).canReturnSessionIds())
				.isTrue());
		this.runner
			.withPropertyValues("redisboot.session.encryption.active-key-id=k1",
					"redisboot.session.encryption.keys.k1=cmVkaXNib290LXNlc3Npb24tdGVzdC1rZXktMzJieXQ=")
			.run((context) -> assertThat(context.getBean(RedisbootSessionRepository.class).canReturnSessionIds())
				.isTrue());
	}

	@Test
	void canBeSwitchedOffForSpringSessionsOwnRepository() {
		this.runner.withPropertyValues("redisboot.session.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(RedisSessionRepository.class)
				.doesNotHaveBean(RedisbootSessionRepository.class));
	}

	@Test
	void backsOffFromTheApplicationsOwnRepository() {
		this.runner.withUserConfiguration(OwnRepository.class)
			.run((context) -> assertThat(context).hasSingleBean(SessionRepository.class)
				.hasSingleBean(MapSessionRepository.class)
				.doesNotHaveBean(SessionCleanup.class));
	}

	@Test
	void aReactiveApplicationGetsTheReactiveRepositoryOnTheSameStorageUnderSpringSessionsWebSessionManager() {
		this.reactiveRunner.run((context) -> {
			assertThat(context).hasSingleBean(ReactiveSessionRepository.class)
				.hasSingleBean(ReactiveRedisbootSessionRepository.class)
				.hasSingleBean(RedisbootSessionRepository.class)
				.hasSingleBean(SessionCleanup.class)
				.hasSingleBean(ReactiveSessionUnavailableFilter.class)
				.doesNotHaveBean(SessionRepositoryFilter.class)
				.doesNotHaveBean(FilterRegistrationBean.class);
			assertThat(context.getBean(ReactiveRedisbootSessionRepository.class).getSessionRepository())
				.isSameAs(context.getBean(RedisbootSessionRepository.class));
			WebSessionManager manager = context.getBean("webSessionManager", WebSessionManager.class);
			assertThat(manager).isInstanceOf(DefaultWebSessionManager.class);
			assertThat(((DefaultWebSessionManager) manager).getSessionStore())
				.isInstanceOf(SpringSessionWebSessionStore.class);
		});
	}

	@Test
	void aReactiveApplicationsOwnRepositoryWins() {
		this.reactiveRunner.withUserConfiguration(OwnReactiveRepository.class)
			.run((context) -> assertThat(context).hasSingleBean(ReactiveSessionRepository.class)
				.hasSingleBean(ReactiveMapSessionRepository.class)
				.doesNotHaveBean(RedisbootSessionRepository.class)
				.doesNotHaveBean(ReactiveSessionUnavailableFilter.class));
	}

	@Test
	void aReactiveApplicationCanSwitchItOffForSpringSessionsOwnRepository() {
		this.reactiveRunner.withPropertyValues("redisboot.session.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(ReactiveRedisSessionRepository.class)
				.doesNotHaveBean(RedisbootSessionRepository.class));
	}

	@Test
	void needsAWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				RedisbootAutoConfiguration.class, RedisbootSessionAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RedisbootSessionRepository.class));
	}

	@Test
	void nonPositiveDurationsFailNamingTheProperty() {
		assertFailure("redisboot.session.redis-timeout=0s", "redisboot.session.redis-timeout", "must be positive");
		assertFailure("redisboot.session.cleanup-interval=-1m", "redisboot.session.cleanup-interval",
				"must be positive");
	}

	@Test
	void theRepositoryUsesTheSessionsOwnCircuitBreakerWhoseSettingsAreChecked() {
		this.runner.run((context) -> {
			RedisCircuitBreaker breaker = context.getBean(RedisbootSessionAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME,
					RedisCircuitBreaker.class);
			assertThat(context.getBean(RedisbootSessionRepository.class).getCircuitBreaker()).isSameAs(breaker);
		});
		assertFailure("redisboot.session.circuit-breaker.failure-threshold=0",
				"redisboot.session.circuit-breaker.failure-threshold", "at least 1");
		assertFailure("redisboot.session.circuit-breaker.open-duration=0s",
				"redisboot.session.circuit-breaker.open-duration", "must be positive");
	}

	@Test
	void negativeMaximumFailsNamingTheProperty() {
		assertFailure("redisboot.session.max-sessions-per-principal=-1",
				"redisboot.session.max-sessions-per-principal", "must not be negative");
	}

	@Test
	void encryptionWithoutKeysFailsNamingTheProperty() {
		assertFailure("redisboot.session.encryption.enabled=true", "redisboot.session.encryption.keys",
				"no key is configured");
	}

	@Test
	void badKeyFailsWithoutShowingIt() {
		this.runner
			.withPropertyValues("redisboot.session.encryption.enabled=true",
					"redisboot.session.encryption.active-key-id=k1", "redisboot.session.encryption.keys.k1=c2hvcnQ=")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("redisboot.session.encryption.keys")
					.doesNotContain("c2hvcnQ=");
			});
	}

	@Test
	void tooBroadAllowedPackageFailsNamingTheProperty() {
		assertFailure("redisboot.session.allowed-packages=org.springframework", "redisboot.session.allowed-packages",
				"too broad");
	}

	@Test
	void cronCleanupOfTheIndexedRepositoryIsRejected() {
		assertFailure("spring.session.data.redis.cleanup-cron=0 * * * * *", "spring.session.data.redis.cleanup-cron",
				"indexed repository");
	}

	private void assertFailure(String property, String name, String reason) {
		this.runner.withPropertyValues(property).run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains(name).contains(reason);
		});
	}

	private static FailureAnalysis analyze(Throwable failure) {
		assertThat(failure).as("startup failed").isNotNull();
		FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer(null).analyze(failure);
		assertThat(analysis).as("analyzed as a wrong property: " + failure).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnReactiveRepository {

		@Bean
		ReactiveMapSessionRepository sessionRepository() {
			return new ReactiveMapSessionRepository(new java.util.concurrent.ConcurrentHashMap<>());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRepository {

		@Bean
		MapSessionRepository sessionRepository() {
			return new MapSessionRepository(new java.util.concurrent.ConcurrentHashMap<>());
		}

	}

}

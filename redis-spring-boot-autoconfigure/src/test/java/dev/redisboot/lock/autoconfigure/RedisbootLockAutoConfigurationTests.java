package dev.redisboot.lock.autoconfigure;

import java.time.Duration;

import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.autoconfigure.InvalidPropertyFailureAnalyzer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.lock.DistributedLocks;
import dev.redisboot.lock.LockMetrics;
import dev.redisboot.lock.MicrometerLockMetrics;
import dev.redisboot.lock.ScheduledOnce;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions, validation and hints of {@link RedisbootLockAutoConfiguration}; no Redis is
 * contacted.
 */
class RedisbootLockAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RedisbootLockAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1");

	@Test
	void providesTheLocksAndProxiesScheduledOnceMethods() {
		this.runner.withUserConfiguration(TaskConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(DistributedLocks.class);
			assertThat(AopUtils.isAopProxy(context.getBean(Task.class))).isTrue();
			assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).as("no @ScheduledOnce, no proxy").isFalse();
		});
	}

	@Test
	void recordsMetricsWithMicrometerAndBacksOffForTheApplicationsOwn() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).getBean(LockMetrics.class).isInstanceOf(MicrometerLockMetrics.class);
			assertThat(context.getBean(MeterRegistry.class)
				.get("redisboot.lock.acquisitions")
				.tag("result", "error")
				.counter()
				.count()).as("registered at 0").isZero();
		});
		LockMetrics own = new LockMetrics() {
		};
		this.runner.withBean(LockMetrics.class, () -> own)
			.run((context) -> assertThat(context).getBean(LockMetrics.class).isSameAs(own));
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasSingleBean(DistributedLocks.class)
				.doesNotHaveBean(LockMetrics.class));
	}

	@Test
	void declaresItsLockKeysToTheAdviceOnceTheApplicationUsesLocks() {
		this.runner.run((context) -> assertThat(context.getBean(RedisUsage.class)).satisfies((usage) -> {
			assertThat(usage.kind()).isEqualTo(RedisUsage.Kind.LOCKS);
			assertThat(usage.inUse().getAsBoolean()).as("nothing uses the locks").isFalse();
		}));
		this.runner.withUserConfiguration(TaskConfiguration.class)
			.run((context) -> assertThat(context.getBean(RedisUsage.class).inUse().getAsBoolean())
				.as("@ScheduledOnce").isTrue());
		this.runner.withBean("billing", Object.class, () -> new Object(), (definition) -> definition
			.setDependsOn("distributedLocks"))
			.run((context) -> assertThat(context.getBean(RedisUsage.class).inUse().getAsBoolean())
				.as("a bean that uses the locks").isTrue());
	}

	@Test
	void canBeSwitchedOff() {
		this.runner.withPropertyValues("redisboot.lock.enabled=false")
			.withUserConfiguration(TaskConfiguration.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(DistributedLocks.class);
				assertThat(AopUtils.isAopProxy(context.getBean(Task.class))).isFalse();
			});
	}

	@Test
	void theApplicationsOwnLocksWin() {
		this.runner.withUserConfiguration(OwnLocks.class)
			.run((context) -> assertThat(context).getBean(DistributedLocks.class).isSameAs(OwnLocks.locks));
	}

	@Test
	void wrongValuesFailNamingTheProperty() {
		assertFailure("redisboot.lock.default-lease=0s", "redisboot.lock.default-lease", "must be positive");
		assertFailure("redisboot.lock.timeout=-1s", "redisboot.lock.timeout", "must be positive");
		assertFailure("redisboot.lock.watchdog-interval=0ms", "redisboot.lock.watchdog-interval", "must be positive");
		assertFailure("redisboot.lock.circuit-breaker.failure-threshold=0",
				"redisboot.lock.circuit-breaker.failure-threshold", "at least 1");
		assertFailure("redisboot.lock.circuit-breaker.open-duration=-1s", "redisboot.lock.circuit-breaker.open-duration",
				"must be positive");
	}

	@Test
	void theLocksUseTheirOwnCircuitBreaker() {
		this.runner.run((context) -> assertThat(context.getBean(DistributedLocks.class).getCircuitBreaker())
			.isSameAs(context.getBean(RedisbootLockAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME, RedisCircuitBreaker.class)));
	}

	@Test
	void unusableScheduledOnceMethodsFailStartupNamingThem() {
		this.runner.withUserConfiguration(BadTasks.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("BadTask.unparsable: lockAtMostFor 'ten minutes' is not a duration")
				.hasMessageContaining("BadTask.inverted: lockAtLeastFor (PT10M) is longer than lockAtMostFor (PT1M)")
				.hasMessageContaining("BadTask.braces: Lock name 'a{b}'")
				.hasMessageContaining("share the lock name 'same'");
		});
	}

	@Test
	void theScriptsAreRegisteredForNativeImages() {
		RuntimeHints hints = new RuntimeHints();
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).anySatisfy((registrar) -> {
				assertThat(registrar).isInstanceOf(LockRuntimeHints.class);
				registrar.registerHints(hints, getClass().getClassLoader());
			});
		for (String script : LockRuntimeHints.SCRIPTS) {
			assertThat(RuntimeHintsPredicates.resource().forResource(script)).accepts(hints);
			assertThat(getClass().getClassLoader().getResource(script)).as(script).isNotNull();
		}
	}

	private void assertFailure(String property, String name, String reason) {
		this.runner.withPropertyValues(property).run((context) -> {
			Throwable failure = context.getStartupFailure();
			assertThat(failure).as("startup failed for " + property).isNotNull();
			FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer(null).analyze(failure);
			assertThat(analysis).as("analyzed as a wrong property: " + failure).isNotNull();
			assertThat(analysis.getDescription()).contains(name).contains(reason);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class TaskConfiguration {

		@Bean
		Task task() {
			return new Task();
		}

		@Bean
		Plain plain() {
			return new Plain();
		}

	}

	static class Task {

		@ScheduledOnce(lockAtMostFor = "10m", lockAtLeastFor = "1s")
		public void run() {
		}

	}

	static class Plain {

		public void run() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadTasks {

		@Bean
		BadTask badTask() {
			return new BadTask();
		}

	}

	static class BadTask {

		@ScheduledOnce(lockAtMostFor = "ten minutes")
		public void unparsable() {
		}

		@ScheduledOnce(lockAtMostFor = "1m", lockAtLeastFor = "10m")
		public void inverted() {
		}

		@ScheduledOnce(name = "a{b}")
		public void braces() {
		}

		@ScheduledOnce(name = "same")
		public void one() {
		}

		@ScheduledOnce(name = "same")
		public void other() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnLocks {

		static final DistributedLocks locks = new DistributedLocks(null, new dev.redisboot.core.RedisKeyNamer(),
				LockMetrics.NONE, java.time.Clock.systemUTC(), Duration.ofSeconds(1));

		@Bean
		DistributedLocks myLocks() {
			return locks;
		}

	}

}

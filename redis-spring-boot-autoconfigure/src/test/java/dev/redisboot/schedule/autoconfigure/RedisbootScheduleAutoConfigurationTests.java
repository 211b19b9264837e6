package dev.redisboot.schedule.autoconfigure;

import java.time.Instant;
import java.util.List;

import dev.redisboot.core.autoconfigure.InvalidPropertyFailureAnalyzer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.schedule.JobScheduler;
import dev.redisboot.schedule.MicrometerScheduleMetrics;
import dev.redisboot.schedule.MissedFires;
import dev.redisboot.schedule.ScheduleInfo;
import dev.redisboot.schedule.ScheduleMetrics;
import dev.redisboot.schedule.SchedulesEndpoint;
import dev.redisboot.schedule.SchedulesEndpointWebExtension;
import dev.redisboot.stream.JobHandler;
import dev.redisboot.stream.autoconfigure.RedisbootStreamAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions, schedules from properties and annotations, validation and hints of
 * {@link RedisbootScheduleAutoConfiguration}; no Redis is contacted but by the scheduler's
 * thread, which finds none and retries.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisbootScheduleAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RedisbootStreamAutoConfiguration.class, RedisbootScheduleAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1", "redisboot.connection.check-at-startup=false");

	@Test
	void schedulesComeFromPropertiesAndJobHandlerAnnotationsWhichPropertiesOverride() {
		this.runner.withUserConfiguration(Handlers.class)
			.withPropertyValues("redisboot.jobs.schedules.billing.cron=0 0 2 1 * *",
					"redisboot.jobs.schedules.billing.zone=Europe/Paris",
					"redisboot.jobs.schedules.billing.missed-fires=run-once",
					"redisboot.jobs.schedules.billing.payload.plan=pro",
					"redisboot.jobs.schedules.usage.type=usage-rollup",
					"redisboot.jobs.schedules.usage.fixed-rate=15m", "redisboot.jobs.schedules.off.fixed-rate=1m",
					"redisboot.jobs.schedules.off.enabled=false", "redisboot.jobs.schedules.cleanup.enabled=false",
					"redisboot.jobs.schedules.digest.missed-fires=run-once", "test.digest-zone=America/New_York")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JobScheduler scheduler = context.getBean(JobScheduler.class);
				assertThat(scheduler.toString()).isEqualTo("JobScheduler[digest, billing, usage]");
				ScheduleInfo billing = scheduler.schedule("billing").orElseThrow();
				assertThat(billing.jobType()).isEqualTo("billing");
				assertThat(billing.type()).isEqualTo("cron");
				assertThat(billing.zone()).isEqualTo("Europe/Paris");
				assertThat(billing.missedFires()).isEqualTo(MissedFires.RUN_ONCE);
				assertThat(billing.paused()).as("Redis could not be asked").isNull();
				ScheduleInfo usage = scheduler.schedule("usage").orElseThrow();
				assertThat(usage.jobType()).isEqualTo("usage-rollup");
				assertThat(usage.expression()).isEqualTo("PT15M");
				assertThat(usage.nextFire().toEpochMilli() % (15 * 60_000)).as("anchored at the epoch").isZero();
				ScheduleInfo digest = scheduler.schedule("digest").orElseThrow();
				assertThat(digest.expression()).isEqualTo("0 30 6 * * MON-FRI");
				assertThat(digest.zone()).as("from a placeholder").isEqualTo("America/New_York");
				assertThat(digest.missedFires()).as("the property overrides the annotation").isEqualTo(MissedFires.RUN_ONCE);
				assertThat(scheduler.schedule("cleanup")).as("switched off by its property").isEmpty();
				assertThat(scheduler.nextFireTime("digest").orElseThrow()).isAfter(Instant.now());
			});
	}

	@Test
	void aScheduleForAJobTypeWithoutHandlerIsLoggedNotRefused(CapturedOutput output) {
		this.runner.withPropertyValues("redisboot.jobs.schedules.elsewhere.fixed-rate=1h").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(JobScheduler.class).schedule("elsewhere")).isPresent();
			assertThat(output).contains("Schedules [elsewhere (elsewhere)] enqueue job types that no @JobHandler");
		});
	}

	@Test
	void aCronThatNeverFiresAgainHasNoNextFireTime() {
		this.runner.withPropertyValues("redisboot.jobs.schedules.never.cron=0 0 0 30 2 *").run((context) -> {
			JobScheduler scheduler = context.getBean(JobScheduler.class);
			assertThat(scheduler.nextFireTime("never")).isEmpty();
			assertThat(scheduler.schedule("never").orElseThrow().nextFire()).isNull();
		});
	}

	@Test
	void wrongValuesFailNamingTheProperty() {
		String p = "redisboot.jobs.schedules.bad.";
		assertFailure(List.of(p + "cron=0 0 25 * * *"), p + "cron", "Not a valid cron expression");
		assertFailure(List.of(p + "cron=every day"), p + "cron", "Not a valid cron expression");
		assertFailure(List.of(p + "cron=0 0 3 * * *", p + "fixed-rate=1h"), p + "fixed-rate", "also sets a cron");
		assertFailure(List.of(p + "type=x"), p + "cron", "needs a cron expression or a rate");
		assertFailure(List.of(p + "cron=0 0 3 * * *", p + "zone=Mars/Olympus"), p + "zone", "Not a known time zone");
		assertFailure(List.of(p + "fixed-rate=0s"), p + "fixed-rate", "must be positive");
		assertFailure(List.of(p + "fixed-rate=-5m"), p + "fixed-rate", "must be positive");
		assertFailure(List.of(p + "fixed-rate=1m", p + "zone=UTC"), p + "zone", "cron expressions only");
		assertFailure(List.of(p + "fixed-rate=1m", p + "misfire-threshold=0s"), p + "misfire-threshold",
				"must be positive");
		assertFailure(List.of("redisboot.jobs.schedules.[a{b}].fixed-rate=1m"), "redisboot.jobs.schedules.a{b}",
				"key name");
	}

	@Test
	void unusableAnnotationSchedulesFailStartupNamingTheMethod() {
		this.runner.withUserConfiguration(BadHandlers.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("@JobHandler(\"both\") on BadHandler")
				.hasMessageContaining("set cron or fixedRate, not both");
		});
		this.runner.withUserConfiguration(BadCronHandlers.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.hasMessageContaining("@JobHandler(\"bad-cron\") on BadCronHandler.run");
		});
	}

	@Test
	void metricsAndEndpoint() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("redisboot.jobs.schedules.usage.fixed-rate=1m")
			.run((context) -> {
				assertThat(context).getBean(ScheduleMetrics.class).isInstanceOf(MicrometerScheduleMetrics.class);
				assertThat(context.getBean(MeterRegistry.class)
					.get("redisboot.schedule.fires")
					.tags("schedule", "usage", "result", "missed")
					.counter()
					.count()).as("registered at 0").isZero();
			});
		this.runner.withPropertyValues("redisboot.stream.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(JobScheduler.class));
	}

	@Test
	void theEndpointIsNotExposedUnlessConfiguredAndReadOnlyAccessMapsNoWriteOperation() {
		WebApplicationContextRunner web = new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
					RedisbootStreamAutoConfiguration.class, RedisbootScheduleAutoConfiguration.class,
					EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=1", "redisboot.connection.check-at-startup=false");
		web.run((context) -> assertThat(context).doesNotHaveBean(SchedulesEndpoint.class));
		// read-only unless configured
		web.withPropertyValues("management.endpoints.web.exposure.include=schedules").run((context) -> {
			assertThat(context).hasSingleBean(SchedulesEndpoint.class);
			assertThat(operations(context)).containsExactlyInAnyOrder("GET schedules", "GET schedules/{name}");
		});
		// an application's own environment converts 'unrestricted' too; the runner's needs the constant
		web.withPropertyValues("management.endpoints.web.exposure.include=schedules",
				"management.endpoint.schedules.access=UNRESTRICTED")
			.run((context) -> {
				assertThat(context).hasSingleBean(SchedulesEndpointWebExtension.class);
				assertThat(operations(context)).containsExactlyInAnyOrder("GET schedules", "GET schedules/{name}",
						"POST schedules/{name}");
			});
		web.withPropertyValues("management.endpoints.web.exposure.include=schedules",
				"management.endpoint.schedules.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(SchedulesEndpoint.class));
	}

	private static List<String> operations(AssertableWebApplicationContext context) {
		return context.getBean(WebEndpointsSupplier.class)
			.getEndpoints()
			.stream()
			.filter((endpoint) -> endpoint.getEndpointId().toString().equals("schedules"))
			.flatMap((endpoint) -> endpoint.getOperations().stream())
			.map((operation) -> operation.getRequestPredicate().getHttpMethod() + " "
					+ operation.getRequestPredicate().getPath())
			.toList();
	}

	@Test
	void theScriptsAndEndpointRecordsAreRegisteredForNativeImages() {
		RuntimeHints hints = new RuntimeHints();
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).anySatisfy((registrar) -> {
				assertThat(registrar).isInstanceOf(ScheduleRuntimeHints.class);
				registrar.registerHints(hints, getClass().getClassLoader());
			});
		for (String script : ScheduleRuntimeHints.SCRIPTS) {
			assertThat(RuntimeHintsPredicates.resource().forResource(script)).accepts(hints);
			assertThat(getClass().getClassLoader().getResource(script)).as(script).isNotNull();
		}
		assertThat(RuntimeHintsPredicates.reflection().onType(ScheduleInfo.class)).accepts(hints);
	}

	private void assertFailure(List<String> properties, String name, String reason) {
		this.runner.withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
			Throwable failure = context.getStartupFailure();
			assertThat(failure).as("startup failed for " + properties).isNotNull();
			FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer(null).analyze(failure);
			assertThat(analysis).as("analyzed as a wrong property: " + failure).isNotNull();
			assertThat(analysis.getDescription()).contains(name).contains(reason);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		Handler handler() {
			return new Handler();
		}

	}

	static class Handler {

		@JobHandler(value = "digest", cron = "0 30 6 * * MON-FRI", zone = "${test.digest-zone}")
		void digest(String payload) {
		}

		@JobHandler(value = "cleanup", fixedRate = "1h")
		void cleanup(String payload) {
		}

		@JobHandler("billing")
		void billing(Object payload) {
		}

		@JobHandler("usage-rollup")
		void usage(Object payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadHandlers {

		@Bean
		BadHandler badHandler() {
			return new BadHandler();
		}

	}

	static class BadHandler {

		@JobHandler(value = "both", cron = "0 0 * * * *", fixedRate = "1h")
		void run(String payload) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadCronHandlers {

		@Bean
		BadCronHandler badCronHandler() {
			return new BadCronHandler();
		}

	}

	static class BadCronHandler {

		@JobHandler(value = "bad-cron", cron = "61 * * * * *")
		void run(String payload) {
		}

	}

}

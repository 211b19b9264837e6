package dev.redisboot.ratelimit.autoconfigure;

import dev.redisboot.core.autoconfigure.InvalidPropertyFailureAnalyzer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.ratelimit.RateLimitExceptionResolver;
import dev.redisboot.ratelimit.RateLimitRule;
import dev.redisboot.ratelimit.RateLimiter;
import dev.redisboot.ratelimit.RatePlanResolver;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.AbstractApplicationContextRunner;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and rule validation of {@link RateLimitAutoConfiguration}; no Redis is contacted.
 */
class RateLimitAutoConfigurationTests {

	private static final String[] LOGIN = { "redisboot.rate-limit.rules[0].name=login",
			"redisboot.rate-limit.rules[0].paths=/login", "redisboot.rate-limit.rules[0].limits[0].capacity=10",
			"redisboot.rate-limit.rules[0].limits[0].period=1m" };

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RateLimitAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1");

	private final WebApplicationContextRunner webRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RateLimitAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1");

	@Test
	void backsOffWithoutRules() {
		this.webRunner.run((context) -> assertThat(context).doesNotHaveBean(RateLimiter.class)
			.doesNotHaveBean(FilterRegistrationBean.class));
	}

	@Test
	void rulesGiveALimiterAndInAWebApplicationTheFilters() {
		this.runner.withPropertyValues(LOGIN)
			.run((context) -> assertThat(context).hasSingleBean(RateLimiter.class)
				.doesNotHaveBean(FilterRegistrationBean.class));
		this.webRunner.withPropertyValues(LOGIN).run((context) -> {
			assertThat(context).hasSingleBean(RateLimitExceptionResolver.class);
			FilterRegistrationBean<?> before = context.getBean("redisbootRateLimitFilterBeforeAuthentication",
					FilterRegistrationBean.class);
			FilterRegistrationBean<?> after = context.getBean("redisbootRateLimitFilterAfterAuthentication",
					FilterRegistrationBean.class);
			assertThat(before.getOrder()).isEqualTo(-110);
			assertThat(before.isEnabled()).as("an ip rule runs before authentication").isTrue();
			assertThat(after.getOrder()).isEqualTo(-90);
			assertThat(after.isEnabled()).as("no rule runs after authentication").isFalse();
		});
	}

	@Test
	void userRulesRunAfterAuthenticationUnlessToldOtherwise() {
		this.webRunner.withPropertyValues(LOGIN)
			.withPropertyValues("redisboot.rate-limit.rules[0].key=user")
			.run((context) -> {
				RateLimitRule rule = context.getBean(RateLimitRules.class).rules().get(0);
				assertThat(rule.stage()).isEqualTo(RateLimitRule.Stage.AFTER_AUTHENTICATION);
			});
		this.webRunner.withPropertyValues(LOGIN)
			.withPropertyValues("redisboot.rate-limit.rules[0].key=user",
					"redisboot.rate-limit.rules[0].stage=before-authentication")
			.run((context) -> assertThat(context.getBean(RateLimitRules.class).rules().get(0).stage())
				.isEqualTo(RateLimitRule.Stage.BEFORE_AUTHENTICATION));
	}

	@Test
	void zeroCapacityFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues(LOGIN)
			.withPropertyValues("redisboot.rate-limit.rules[0].limits[0].capacity=0"),
				"redisboot.rate-limit.rules[0].limits[0].capacity", "at least 1");
	}

	@Test
	void missingPeriodFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues("redisboot.rate-limit.rules[0].name=x",
				"redisboot.rate-limit.rules[0].limits[0].capacity=5"), "redisboot.rate-limit.rules[0].limits[0].period",
				"needs a period");
	}

	@Test
	void unknownKeyKindFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues(LOGIN).withPropertyValues("redisboot.rate-limit.rules[0].key=cookie"),
				"redisboot.rate-limit.rules[0].key", "Unknown kind of client key");
	}

	@Test
	void badPathPatternFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues(LOGIN)
			.withPropertyValues("redisboot.rate-limit.rules[0].paths=/api/**/items"),
				"redisboot.rate-limit.rules[0].paths[0]", "Not a valid path pattern");
	}

	@Test
	void badMethodFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues(LOGIN).withPropertyValues("redisboot.rate-limit.rules[0].methods=FETCH"),
				"redisboot.rate-limit.rules[0].methods[0]", "Not an HTTP method");
	}

	@Test
	void planWithoutLimitsFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues(LOGIN)
			.withPropertyValues("redisboot.rate-limit.rules[0].plans.pro.limits[0].capacity=100",
					"redisboot.rate-limit.rules[0].plans.pro.limits[0].period=1m",
					"redisboot.rate-limit.rules[0].plans.free.limits="),
				"redisboot.rate-limit.rules[0].plans.free.limits", "No limits");
	}

	@Test
	void plansWithoutAPlanResolverFailInAWebApplication() {
		assertFailure(this.webRunner.withPropertyValues(LOGIN)
			.withPropertyValues("redisboot.rate-limit.rules[0].plans.pro.limits[0].capacity=100",
					"redisboot.rate-limit.rules[0].plans.pro.limits[0].period=1m"),
				"redisboot.rate-limit.rules[0].plans", "no RatePlanResolver bean");
		this.webRunner.withPropertyValues(LOGIN)
			.withPropertyValues("redisboot.rate-limit.rules[0].plans.pro.limits[0].capacity=100",
					"redisboot.rate-limit.rules[0].plans.pro.limits[0].period=1m")
			.withBean(RatePlanResolver.class, () -> (request, rule) -> "pro")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void expressionKeyNeedsAValidExpression() {
		assertFailure(this.runner.withPropertyValues(LOGIN).withPropertyValues("redisboot.rate-limit.rules[0].key=expression"),
				"redisboot.rate-limit.rules[0].expression", "no expression is set");
		assertFailure(this.runner.withPropertyValues(LOGIN)
			.withPropertyValues("redisboot.rate-limit.rules[0].key=expression",
					"redisboot.rate-limit.rules[0].expression=header('X-Tenant'"),
				"redisboot.rate-limit.rules[0].expression", "Not a valid SpEL expression");
	}

	@Test
	void duplicateAndInvalidNamesFail() {
		assertFailure(this.runner.withPropertyValues(LOGIN)
			.withPropertyValues("redisboot.rate-limit.rules[1].name=login",
					"redisboot.rate-limit.rules[1].limits[0].capacity=1",
					"redisboot.rate-limit.rules[1].limits[0].period=1s"),
				"redisboot.rate-limit.rules[1].name", "same name");
		assertFailure(this.runner.withPropertyValues(LOGIN).withPropertyValues("redisboot.rate-limit.rules[0].name=log in"),
				"redisboot.rate-limit.rules[0].name", "characters other than");
	}

	@Test
	void rateLimitedNamingAnUnknownRuleFailsStartup() {
		assertFailure(this.runner.withPropertyValues(LOGIN).withBean(Mailer.class),
				"redisboot.rate-limit.rules", "'newsletter'");
		this.runner.withPropertyValues(LOGIN)
			.withPropertyValues("redisboot.rate-limit.rules[1].name=newsletter",
					"redisboot.rate-limit.rules[1].limits[0].capacity=1",
					"redisboot.rate-limit.rules[1].limits[0].period=1h")
			.withBean(Mailer.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	static class Mailer {

		@dev.redisboot.ratelimit.RateLimited(rule = "newsletter", key = "#address")
		public void send(String address) {
		}

	}

	private static void assertFailure(AbstractApplicationContextRunner<?, ?, ?> runner, String property,
			String reason) {
		runner.run((context) -> {
			FailureAnalysis analysis = analyze((AssertableApplicationContext) null, context.getStartupFailure());
			assertThat(analysis.getDescription()).contains(property).contains(reason);
		});
	}

	private static FailureAnalysis analyze(AssertableApplicationContext ignored, Throwable failure) {
		assertThat(failure).as("startup failed").isNotNull();
		FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer(null).analyze(failure);
		assertThat(analysis).as("analyzed as a wrong property: " + failure).isNotNull();
		return analysis;
	}

}

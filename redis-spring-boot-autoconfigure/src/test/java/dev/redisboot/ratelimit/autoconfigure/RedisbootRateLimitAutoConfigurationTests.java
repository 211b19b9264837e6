package dev.redisboot.ratelimit.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import dev.redisboot.core.autoconfigure.InvalidPropertyFailureAnalyzer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.ratelimit.ClientKeyResolver;
import dev.redisboot.ratelimit.Limit;
import dev.redisboot.ratelimit.RateLimitExceptionResolver;
import dev.redisboot.ratelimit.RateLimitFilter;
import dev.redisboot.ratelimit.RateLimitRule;
import dev.redisboot.ratelimit.RateLimiter;
import dev.redisboot.ratelimit.RatePlanResolver;
import dev.redisboot.ratelimit.RateLimitWebExceptionHandler;
import dev.redisboot.ratelimit.ReactiveRateLimitFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.AbstractApplicationContextRunner;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Conditions, rule validation, customizers, replaceable filters and native-image hints of
 * {@link RedisbootRateLimitAutoConfiguration}; no Redis is contacted.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisbootRateLimitAutoConfigurationTests {

	private static final String[] LOGIN = { "redisboot.rate-limit.rules[0].name=login",
			"redisboot.rate-limit.rules[0].paths=/login", "redisboot.rate-limit.rules[0].limits[0].capacity=10",
			"redisboot.rate-limit.rules[0].limits[0].period=1m" };

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RedisbootRateLimitAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1");

	private final WebApplicationContextRunner webRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RedisbootRateLimitAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.port=1");

	private final ReactiveWebApplicationContextRunner reactiveRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
				RedisbootRateLimitAutoConfiguration.class))
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
	void inAReactiveApplicationTheWebFiltersAndTheExceptionHandlerEvenWithoutTheServletApi() {
		this.reactiveRunner.withPropertyValues(LOGIN)
			.withClassLoader(new FilteredClassLoader("jakarta.servlet"))
			.run((context) -> {
				assertThat(context).hasSingleBean(RateLimiter.class)
					.hasSingleBean(RateLimitWebExceptionHandler.class)
					.doesNotHaveBean(FilterRegistrationBean.class)
					.doesNotHaveBean(RateLimitExceptionResolver.class);
				assertThat(context.getBean("redisbootRateLimitWebFilterBeforeAuthentication", ReactiveRateLimitFilter.class)
					.getOrder()).isEqualTo(-110);
				assertThat(context.getBean("redisbootRateLimitWebFilterAfterAuthentication", ReactiveRateLimitFilter.class)
					.getOrder()).isEqualTo(-90);
			});
		this.webRunner.withPropertyValues(LOGIN)
			.run((context) -> assertThat(context).doesNotHaveBean(ReactiveRateLimitFilter.class)
				.doesNotHaveBean(RateLimitWebExceptionHandler.class));
	}

	@Test
	void anApplicationWebFilterOfTheSameNameReplacesOneStagesWebFilter() {
		this.reactiveRunner.withPropertyValues(LOGIN)
			.withBean("redisbootRateLimitWebFilterBeforeAuthentication", WebFilter.class,
					() -> (exchange, chain) -> chain.filter(exchange))
			.run((context) -> {
				assertThat(context.getBean("redisbootRateLimitWebFilterBeforeAuthentication"))
					.isNotInstanceOf(ReactiveRateLimitFilter.class);
				assertThat(context).hasBean("redisbootRateLimitWebFilterAfterAuthentication");
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
				"duration is required");
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
	void plansWithoutAPlanResolverFail() {
		String[] plans = { "redisboot.rate-limit.rules[0].plans.pro.limits[0].capacity=100",
				"redisboot.rate-limit.rules[0].plans.pro.limits[0].period=1m" };
		// the filter and @RateLimited resolve plans alike, so a web application and any other need one
		assertFailure(this.webRunner.withPropertyValues(LOGIN).withPropertyValues(plans),
				"redisboot.rate-limit.rules[0].plans", "no RatePlanResolver bean");
		assertFailure(this.runner.withPropertyValues(LOGIN).withPropertyValues(plans),
				"redisboot.rate-limit.rules[0].plans", "no RatePlanResolver bean");
		this.webRunner.withPropertyValues(LOGIN)
			.withPropertyValues(plans)
			.withBean(RatePlanResolver.class, () -> (request, rule) -> "pro")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aRuleWithoutANameFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues("redisboot.rate-limit.rules[0].paths=/login",
				"redisboot.rate-limit.rules[0].limits[0].capacity=10", "redisboot.rate-limit.rules[0].limits[0].period=1m"),
				"redisboot.rate-limit.rules[0].name", "needs a name");
	}

	@Test
	void zeroTimeoutFailsNamingTheProperty() {
		assertFailure(this.runner.withPropertyValues(LOGIN).withPropertyValues("redisboot.rate-limit.timeout=0s"),
				"redisboot.rate-limit.timeout", "must be positive");
	}

	@Test
	void customizersChangeTheRuleTheyNameInOrder() {
		this.runner.withPropertyValues(LOGIN)
			.withPropertyValues("redisboot.rate-limit.rules[1].name=api", "redisboot.rate-limit.rules[1].paths=/api/**",
					"redisboot.rate-limit.rules[1].limits[0].capacity=60",
					"redisboot.rate-limit.rules[1].limits[0].period=1m")
			.withUserConfiguration(Customizers.class)
			.run((context) -> {
				RateLimitRule login = context.getBean(RateLimitRules.class).byName().get("login");
				assertThat(login.limits()).as("the later customizer wins")
					.containsExactly(Limit.of(99, Duration.ofMinutes(1)));
				assertThat(login.plans()).containsOnlyKeys("pro");
				assertThat(login.missingKey()).isEqualTo(RateLimitRule.MissingKey.IP);
				RateLimitRule api = context.getBean(RateLimitRules.class).byName().get("api");
				assertThat(api.limits()).as("another rule is left alone")
					.containsExactly(Limit.of(60, Duration.ofMinutes(1)));
			});
	}

	@Test
	void aCustomizerNamingNoRuleFailsStartup() {
		assertFailure(this.runner.withPropertyValues(LOGIN)
			.withBean(RateLimitRuleCustomizer.class,
					() -> RateLimitRuleCustomizer.of("logn", (rule) -> rule.headers(false))),
				"redisboot.rate-limit.rules", "names the rule 'logn'");
	}

	@Test
	void eachFilterIsReplaceableOnItsOwn() {
		this.webRunner.withPropertyValues(LOGIN).withUserConfiguration(OwnFilter.class).run((context) -> {
			FilterRegistrationBean<?> before = context.getBean(RedisbootRateLimitAutoConfiguration.FILTER_BEFORE_AUTHENTICATION,
					FilterRegistrationBean.class);
			assertThat(before.getFilter()).as("the application's filter").isInstanceOf(OwnFilter.Noop.class);
			FilterRegistrationBean<?> after = context.getBean(RedisbootRateLimitAutoConfiguration.FILTER_AFTER_AUTHENTICATION,
					FilterRegistrationBean.class);
			assertThat(after.getFilter()).as("the other stage's filter stays").isInstanceOf(RateLimitFilter.class);
		});
	}

	@Test
	void nativeImageHintsCoverTheScriptTheExpressionRootAndRateLimitedMethods() {
		RuntimeHints hints = new RuntimeHints();
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader
			.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars).as("listed in aot.factories").hasAtLeastOneElementOfType(RateLimitRuntimeHints.class);
		registrars.forEach((registrar) -> registrar.registerHints(hints, getClass().getClassLoader()));
		assertThat(new ClassPathResource(RateLimitRuntimeHints.DECIDE_SCRIPT).exists()).isTrue();
		assertThat(RuntimeHintsPredicates.resource().forResource(RateLimitRuntimeHints.DECIDE_SCRIPT)).accepts(hints);
		for (String method : List.of("ip", "user", "header", "request")) {
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(ClientKeyResolver.ExpressionRoot.class,
					method))
				.accepts(hints);
		}
		// @RateLimited is @Reflective: Spring AOT registers the annotated methods of beans
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, Mailer.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Mailer.class, "send")).accepts(hints);
	}

	@Test
	void aRuleListOverriddenOnTheCommandLineIsReportedAsAReplacedList(CapturedOutput output) {
		SpringApplication application = new SpringApplication(ListOverrideApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--spring.main.banner-mode=off",
				"--spring.config.location=classpath:dev/redisboot/ratelimit/autoconfigure/rate-limit-rules.yml",
				"--spring.data.redis.port=1", "--redisboot.rate-limit.rules[0].key=cookie"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("for configuration property 'redisboot.rate-limit.rules[0].key' (originating from")
			.contains("Rule 0 of redisboot.rate-limit.rules has no name: the list comes from 'commandLineArgs', which"
					+ " replaces the whole list of")
			.contains("rate-limit-rules.yml")
			.contains("A list property set in a higher-priority source (command line, environment) replaces the whole"
					+ " list from application.yml; set every field of the rule there")
			.doesNotContain("rate-limit-rules.yml] - 4:");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
			RedisbootRateLimitAutoConfiguration.class })
	static class ListOverrideApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		@Bean
		@Order(2)
		RateLimitRuleCustomizer secondLoginCustomizer() {
			return RateLimitRuleCustomizer.of("login", (rule) -> rule.limits(Limit.of(99, Duration.ofMinutes(1))));
		}

		@Bean
		@Order(1)
		RateLimitRuleCustomizer firstLoginCustomizer() {
			return RateLimitRuleCustomizer.of("login",
					(rule) -> rule.limits(Limit.of(50, Duration.ofMinutes(1)))
						.plan("pro", Limit.of(500, Duration.ofMinutes(1)))
						.missingKey(RateLimitRule.MissingKey.IP));
		}

		@Bean
		RatePlanResolver planResolver() {
			return (request, rule) -> "pro";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFilter {

		@Bean(RedisbootRateLimitAutoConfiguration.FILTER_BEFORE_AUTHENTICATION)
		FilterRegistrationBean<Noop> ownRateLimitFilter() {
			return new FilterRegistrationBean<>(new Noop());
		}

		static class Noop extends OncePerRequestFilter {

			@Override
			protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
					FilterChain chain) throws ServletException, IOException {
				chain.doFilter(request, response);
			}

		}

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

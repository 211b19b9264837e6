package dev.redisboot.ratelimit.autoconfigure;

import java.util.List;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.ratelimit.MicrometerRateLimitMetrics;
import dev.redisboot.ratelimit.RateLimitExceptionResolver;
import dev.redisboot.ratelimit.RateLimitFilter;
import dev.redisboot.ratelimit.RateLimitMetrics;
import dev.redisboot.ratelimit.RateLimitRule;
import dev.redisboot.ratelimit.RateLimitRule.Stage;
import dev.redisboot.ratelimit.RateLimitWebExceptionHandler;
import dev.redisboot.ratelimit.ReactiveRateLimitFilter;
import dev.redisboot.ratelimit.RateLimited;
import dev.redisboot.ratelimit.RateLimitedInterceptor;
import dev.redisboot.ratelimit.RateLimiter;
import dev.redisboot.ratelimit.RejectedClients;
import dev.redisboot.ratelimit.RatePlanResolver;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.Filter;

import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.function.SingletonSupplier;
import reactor.core.publisher.Mono;
import org.springframework.web.server.WebFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Auto-configuration of rate limiting with Bucket4j on the application's Lettuce connection,
 * active when rules are configured under {@code redisboot.rate-limit.rules}: the checked
 * rules (changed by {@link RateLimitRuleCustomizer} beans), a {@link RateLimiter}, the filters
 * of a web application (servlet filters, or WebFlux {@code WebFilter}s in a reactive one; one
 * before and one after Spring Security's filter chain, each replaceable by a bean of its
 * name), {@link RateLimited @RateLimited} on bean methods, and the 429 answer to
 * {@code RateLimitExceededException} in Spring MVC and in WebFlux.
 *
 * @author redisboot
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class })
@ConditionalOnClass({ Bucket.class, LettuceConnectionFactory.class, PathPattern.class })
@ConditionalOnBean(LettuceConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "redisboot.rate-limit.enabled", matchIfMissing = true)
@Conditional(RedisbootRateLimitAutoConfiguration.OnRulesCondition.class)
@EnableConfigurationProperties(RedisbootRateLimitProperties.class)
@Import(RedisbootRateLimitAutoConfiguration.AutoProxyRegistrar.class)
public final class RedisbootRateLimitAutoConfiguration {

	/**
	 * Name of the registration of the filter of rules that run before authentication.
	 */
	static final String FILTER_BEFORE_AUTHENTICATION = "redisbootRateLimitFilterBeforeAuthentication";

	/**
	 * Name of the registration of the filter of rules that run after authentication.
	 */
	static final String FILTER_AFTER_AUTHENTICATION = "redisbootRateLimitFilterAfterAuthentication";

	/**
	 * Name of the WebFlux filter of rules that run before authentication.
	 */
	static final String WEB_FILTER_BEFORE_AUTHENTICATION = "redisbootRateLimitWebFilterBeforeAuthentication";

	/**
	 * Name of the WebFlux filter of rules that run after authentication.
	 */
	static final String WEB_FILTER_AFTER_AUTHENTICATION = "redisbootRateLimitWebFilterAfterAuthentication";

	@Bean
	RateLimitRules redisbootRateLimitRules(RedisbootRateLimitProperties properties, Environment environment,
			ObjectProvider<RateLimitRuleCustomizer> customizers, ListableBeanFactory beanFactory) {
		boolean planResolver = beanFactory.getBeanNamesForType(RatePlanResolver.class, true, false).length > 0;
		return new RateLimitSettingsResolver(properties, environment)
			.rules(customizers.orderedStream().toList(), planResolver);
	}

	@Bean
	@ConditionalOnMissingBean
	RejectedClients redisbootRateLimitRejectedClients() {
		return new RejectedClients();
	}

	@Bean
	@ConditionalOnMissingBean
	RateLimiter redisbootRateLimiter(RedisbootRateLimitProperties properties,
			LettuceConnectionFactory connectionFactory, RedisKeyNamer keyNamer, KeyDigester keyDigester,
			ObjectProvider<RateLimitMetrics> metrics, RejectedClients rejectedClients) {
		RateLimitSettingsResolver settings = new RateLimitSettingsResolver(properties);
		return new RateLimiter(new LettuceCommands(connectionFactory, settings.timeout()), keyNamer, keyDigester,
				properties.getCircuitBreaker().createBreaker("redisboot.rate-limit.circuit-breaker."),
				metrics.getIfAvailable(() -> RateLimitMetrics.NONE), rejectedClients);
	}

	@Bean
	RedisUsage redisbootRateLimitUsage() {
		return RedisUsage.of(RedisUsage.Kind.RATE_LIMITS, "rate limits");
	}

	@Bean
	RateLimitedVerifier redisbootRateLimitedVerifier(ConfigurableListableBeanFactory beanFactory,
			RateLimitRules rules) {
		return new RateLimitedVerifier(beanFactory, rules.byName().keySet());
	}

	/**
	 * Applies {@code @RateLimited}. The interceptor looks its collaborators up on first use,
	 * so that creating the advisor (early, with the post-processors) creates no Redis beans.
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static Advisor redisbootRateLimitedAdvisor(ObjectProvider<RateLimitRules> rules,
			ObjectProvider<RateLimiter> limiter, ObjectProvider<RatePlanResolver> planResolver) {
		RateLimitedInterceptor interceptor = new RateLimitedInterceptor(
				SingletonSupplier.of(() -> rules.getObject().byName()), SingletonSupplier.of(limiter::getObject),
				planResolver::getIfAvailable);
		return new DefaultPointcutAdvisor(AnnotationMatchingPointcut.forMethodAnnotation(RateLimited.class),
				interceptor);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class RateLimitMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RateLimitMetrics redisbootRateLimitMetrics(ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meterRegistry = registry.getIfAvailable();
			return (meterRegistry != null) ? new MicrometerRateLimitMetrics(meterRegistry) : RateLimitMetrics.NONE;
		}

	}

	/**
	 * The filters, one per {@link Stage}: each backs off when the application declares a bean
	 * of its registration's name, so that one can be replaced (or switched off with a
	 * disabled {@code FilterRegistrationBean}) and the other kept.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ Filter.class, HandlerExceptionResolver.class })
	static class RateLimitWebConfiguration {

		@Bean(FILTER_BEFORE_AUTHENTICATION)
		@ConditionalOnMissingBean(name = FILTER_BEFORE_AUTHENTICATION)
		FilterRegistrationBean<RateLimitFilter> redisbootRateLimitFilterBeforeAuthentication(RateLimitRules rules,
				RateLimiter limiter, ObjectProvider<RatePlanResolver> planResolver,
				RedisbootRateLimitProperties properties) {
			return filter(FILTER_BEFORE_AUTHENTICATION, rules, Stage.BEFORE_AUTHENTICATION, limiter, planResolver,
					properties, properties.getFilterOrder().getBeforeAuthentication());
		}

		@Bean(FILTER_AFTER_AUTHENTICATION)
		@ConditionalOnMissingBean(name = FILTER_AFTER_AUTHENTICATION)
		FilterRegistrationBean<RateLimitFilter> redisbootRateLimitFilterAfterAuthentication(RateLimitRules rules,
				RateLimiter limiter, ObjectProvider<RatePlanResolver> planResolver,
				RedisbootRateLimitProperties properties) {
			return filter(FILTER_AFTER_AUTHENTICATION, rules, Stage.AFTER_AUTHENTICATION, limiter, planResolver,
					properties, properties.getFilterOrder().getAfterAuthentication());
		}

		private static FilterRegistrationBean<RateLimitFilter> filter(String name, RateLimitRules rules, Stage stage,
				RateLimiter limiter, ObjectProvider<RatePlanResolver> planResolver,
				RedisbootRateLimitProperties properties, int order) {
			List<RateLimitRule> stageRules = rules.rules()
				.stream()
				.filter((rule) -> rule.stage() == stage && !rule.paths().isEmpty())
				.toList();
			RateLimitSettingsResolver settings = new RateLimitSettingsResolver(properties);
			RateLimitFilter filter = new RateLimitFilter(stageRules, limiter, planResolver.getIfAvailable(),
					settings.firstMatchOnly(), settings.unavailableRetrySeconds());
			FilterRegistrationBean<RateLimitFilter> registration = new FilterRegistrationBean<>(filter);
			registration.setName(name);
			registration.setOrder(order);
			registration.setEnabled(!stageRules.isEmpty());
			return registration;
		}

		@Bean
		@ConditionalOnMissingBean
		RateLimitExceptionResolver redisbootRateLimitExceptionResolver(RedisbootRateLimitProperties properties) {
			return new RateLimitExceptionResolver(new RateLimitSettingsResolver(properties).unavailableRetrySeconds());
		}

	}

	/**
	 * The WebFlux filters, one per {@link Stage}, at the orders of the servlet filters (Spring
	 * Security's web filter chain has -100 on both stacks): each backs off when the
	 * application declares a bean of its name. Each is registered even without rules of its
	 * stage, since it also hands the exchange to reactive {@code @RateLimited} methods.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass({ WebFilter.class, Mono.class })
	static class RateLimitReactiveWebConfiguration {

		@Bean(WEB_FILTER_BEFORE_AUTHENTICATION)
		@ConditionalOnMissingBean(name = WEB_FILTER_BEFORE_AUTHENTICATION)
		ReactiveRateLimitFilter redisbootRateLimitWebFilterBeforeAuthentication(RateLimitRules rules,
				RateLimiter limiter, ObjectProvider<RatePlanResolver> planResolver,
				RedisbootRateLimitProperties properties) {
			return webFilter(rules, Stage.BEFORE_AUTHENTICATION, limiter, planResolver, properties,
					properties.getFilterOrder().getBeforeAuthentication());
		}

		@Bean(WEB_FILTER_AFTER_AUTHENTICATION)
		@ConditionalOnMissingBean(name = WEB_FILTER_AFTER_AUTHENTICATION)
		ReactiveRateLimitFilter redisbootRateLimitWebFilterAfterAuthentication(RateLimitRules rules,
				RateLimiter limiter, ObjectProvider<RatePlanResolver> planResolver,
				RedisbootRateLimitProperties properties) {
			return webFilter(rules, Stage.AFTER_AUTHENTICATION, limiter, planResolver, properties,
					properties.getFilterOrder().getAfterAuthentication());
		}

		private static ReactiveRateLimitFilter webFilter(RateLimitRules rules, Stage stage, RateLimiter limiter,
				ObjectProvider<RatePlanResolver> planResolver, RedisbootRateLimitProperties properties, int order) {
			List<RateLimitRule> stageRules = rules.rules()
				.stream()
				.filter((rule) -> rule.stage() == stage && !rule.paths().isEmpty())
				.toList();
			RateLimitSettingsResolver settings = new RateLimitSettingsResolver(properties);
			return new ReactiveRateLimitFilter(stageRules, limiter, planResolver.getIfAvailable(),
					settings.firstMatchOnly(), settings.unavailableRetrySeconds(), order);
		}

		@Bean
		@ConditionalOnMissingBean
		RateLimitWebExceptionHandler redisbootRateLimitWebExceptionHandler(RedisbootRateLimitProperties properties) {
			return new RateLimitWebExceptionHandler(
					new RateLimitSettingsResolver(properties).unavailableRetrySeconds());
		}

	}

	/**
	 * Registers Spring's infrastructure auto-proxy creator (unless a more capable one is
	 * registered already), with class proxies as Spring Boot uses, so that
	 * {@code @RateLimited} applies without {@code @EnableAspectJAutoProxy}.
	 */
	static final class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
			AopConfigUtils.forceAutoProxyCreatorToUseClassProxying(registry);
		}

	}

	/**
	 * Matches when at least one rule is configured.
	 */
	static final class OnRulesCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			boolean any = Binder.get(context.getEnvironment())
				.bind("redisboot.rate-limit.rules", Bindable.listOf(RedisbootRateLimitProperties.Rule.class))
				.map((rules) -> !rules.isEmpty())
				.orElse(false);
			return any ? ConditionOutcome.match("rate-limit rules are configured")
					: ConditionOutcome.noMatch("no rate-limit rules are configured");
		}

	}

}

package dev.redisboot.ratelimit;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.StringUtils;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Applies {@link RateLimited @RateLimited}: takes one request from the bucket of the call's
 * key before the method runs, and throws {@link RateLimitExceededException} instead of
 * running it when the limit is reached.
 */
public final class RateLimitedInterceptor implements MethodInterceptor {

	private static final SpelExpressionParser parser = new SpelExpressionParser();

	private final Supplier<Map<String, RateLimitRule>> rules;

	private final Supplier<RateLimiter> limiter;

	private final Supplier<@Nullable RatePlanResolver> planResolver;

	private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	private final Map<Method, Expression> expressions = new ConcurrentHashMap<>();

	/**
	 * Creates the interceptor. Its collaborators are asked for on first use.
	 * @param rules the rules by name
	 * @param limiter decides calls
	 * @param planResolver chooses plans from the current HTTP request, or gives {@code null}
	 */
	public RateLimitedInterceptor(Supplier<Map<String, RateLimitRule>> rules, Supplier<RateLimiter> limiter,
			Supplier<@Nullable RatePlanResolver> planResolver) {
		this.rules = rules;
		this.limiter = limiter;
		this.planResolver = planResolver;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Class<?> targetClass = (invocation.getThis() != null) ? AopUtils.getTargetClass(invocation.getThis()) : null;
		Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), targetClass);
		RateLimited rateLimited = AnnotatedElementUtils.findMergedAnnotation(method, RateLimited.class);
		if (rateLimited == null) {
			return invocation.proceed();
		}
		RateLimitRule rule = rule(rateLimited, method);
		HttpServletRequest request = currentRequest();
		String key = key(rateLimited, rule, method, invocation.getArguments(), request);
		RatePlanResolver plans = this.planResolver.get();
		// the plan of the HTTP client making the call, if any; the key here comes from the arguments
		String plan = (request != null && plans != null && !rule.plans().isEmpty())
				? plans.resolvePlan(request, rule.name()) : null;
		RateLimitDecision decision = this.limiter.get().consume(rule, key, plan);
		if (!decision.allowed()) {
			throw new RateLimitExceededException(decision);
		}
		return invocation.proceed();
	}

	/**
	 * The rule a {@code @RateLimited} method names.
	 * @param rateLimited the annotation
	 * @param method the method, for the message
	 * @return the rule
	 * @throws IllegalStateException if no rule has that name
	 */
	RateLimitRule rule(RateLimited rateLimited, Method method) {
		Map<String, RateLimitRule> rules = this.rules.get();
		RateLimitRule rule = rules.get(rateLimited.rule());
		if (rule == null) {
			throw new IllegalStateException("@RateLimited on " + method + " names the rule '" + rateLimited.rule()
					+ "', which is not configured; rules: " + rules.keySet()
					+ ". Add it under redisboot.rate-limit.rules.");
		}
		return rule;
	}

	private String key(RateLimited rateLimited, RateLimitRule rule, Method method, Object[] arguments,
			@Nullable HttpServletRequest request) {
		String key = null;
		if (StringUtils.hasText(rateLimited.key())) {
			Expression expression = this.expressions.computeIfAbsent(method,
					(m) -> parser.parseExpression(rateLimited.key()));
			Object value = expression.getValue(
					new MethodBasedEvaluationContext(null, method, arguments, this.parameterNames));
			String text = (value != null) ? value.toString() : null;
			key = StringUtils.hasText(text) ? "a=" + text : null; // digested by the limiter, as every key
		}
		else if (request != null) {
			key = rule.key().resolve(request);
		}
		if (key == null && rule.missingKey() == RateLimitRule.MissingKey.IP && request != null) {
			key = ClientKeyResolver.ip().resolve(request);
		}
		if (key == null) {
			throw new IllegalArgumentException("No rate-limit key for " + method + " (rule '" + rule.name() + "'): "
					+ (StringUtils.hasText(rateLimited.key()) ? "'" + rateLimited.key() + "' is empty"
							: "no key expression and no HTTP request"));
		}
		return key;
	}

	private static @Nullable HttpServletRequest currentRequest() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		return (attributes instanceof ServletRequestAttributes servlet) ? servlet.getRequest() : null;
	}

}

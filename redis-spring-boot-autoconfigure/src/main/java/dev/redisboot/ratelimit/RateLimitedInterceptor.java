package dev.redisboot.ratelimit;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

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
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Applies {@link RateLimited @RateLimited}: takes one request from the bucket of the call's
 * client before the method runs, and throws {@link RateLimitExceededException} instead of
 * running it when the limit is reached or the call has no known client under
 * {@code missing-key: deny}. Who the client is follows {@link RateLimitClientResolver}, as
 * for the filter.
 * <p>
 * A method returning {@code Mono} or {@code Flux} is decided on subscription, without
 * blocking (Lettuce's async API): the method runs when the decision allows it, and a
 * rejection is the error signal {@link RateLimitExceededException}, which WebFlux answers
 * with 429 ({@link RateLimitWebExceptionHandler}). Its HTTP request is the WebFlux exchange
 * of the subscriber's Reactor context.
 * <p>
 * Public for the auto-configuration; not API.
 */
public final class RateLimitedInterceptor implements MethodInterceptor {

	private static final boolean servletPresent = ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest",
			RateLimitedInterceptor.class.getClassLoader());

	private static final boolean reactorPresent = ClassUtils.isPresent("reactor.core.publisher.Mono",
			RateLimitedInterceptor.class.getClassLoader());

	private static final SpelExpressionParser parser = new SpelExpressionParser();

	private final Supplier<Map<String, RateLimitRule>> rules;

	private final Supplier<RateLimiter> limiter;

	private final RateLimitClientResolver clients;

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
		this.clients = new RateLimitClientResolver(planResolver);
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
		boolean keyed = StringUtils.hasText(rateLimited.key());
		String argumentKey = keyed ? argumentKey(rateLimited, method, invocation.getArguments()) : null;
		if (reactorPresent && ReactiveRateLimited.isReactive(method)) {
			return ReactiveRateLimited.decideOnSubscription(invocation, method,
					(request) -> keyed ? this.clients.decideAsync(this.limiter.get(), rule, request, argumentKey)
							: this.clients.decideAsync(this.limiter.get(), rule, request),
					rule);
		}
		RateLimitRequest request = servletPresent ? ServletRateLimitRequest.current() : null;
		RateLimitDecision decision = keyed ? this.clients.decide(this.limiter.get(), rule, request, argumentKey)
				: this.clients.decide(this.limiter.get(), rule, request);
		if (!decision.allowed()) {
			throw new RateLimitExceededException(decision, rule.keyKind());
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

	/**
	 * The value of the annotation's key expression, prefixed so that it never equals a key
	 * of another kind.
	 * @return the key, or {@code null} for an empty value
	 */
	private @Nullable String argumentKey(RateLimited rateLimited, Method method, Object[] arguments) {
		Expression expression = this.expressions.computeIfAbsent(method,
				(m) -> parser.parseExpression(rateLimited.key()));
		Object value = expression
			.getValue(new MethodBasedEvaluationContext(null, method, arguments, this.parameterNames));
		String text = (value != null) ? value.toString() : null;
		return StringUtils.hasText(text) ? "a=" + text : null; // digested by the limiter, as every key
	}

}

package dev.redisboot.ratelimit;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

/**
 * {@link RateLimited @RateLimited} on methods returning {@code Mono} or {@code Flux}: the
 * decision is made on subscription, without blocking, and the method runs only when it
 * allows. Apart from {@link RateLimitedInterceptor} so that an application without Reactor
 * loads none of it.
 */
final class ReactiveRateLimited {

	private ReactiveRateLimited() {
	}

	/**
	 * Whether a method returns a {@code Mono} or a {@code Flux}.
	 * @param method the method
	 * @return whether it is decided on subscription
	 */
	static boolean isReactive(Method method) {
		Class<?> type = method.getReturnType();
		return Mono.class.isAssignableFrom(type) || Flux.class.isAssignableFrom(type);
	}

	/**
	 * The method's result, deferred until a decision on subscription allows it.
	 * @param invocation the call
	 * @param method the method
	 * @param decide decides for the call's HTTP request ({@code null} outside one)
	 * @param rule the rule, for a rejection's message
	 * @return a {@code Mono} or {@code Flux}, as the method returns
	 */
	static Publisher<?> decideOnSubscription(MethodInvocation invocation, Method method,
			Function<@Nullable RateLimitRequest, CompletableFuture<RateLimitDecision>> decide, RateLimitRule rule) {
		Mono<RateLimitDecision> decision = Mono.deferContextual((context) -> {
			ServerWebExchange exchange = ReactiveRateLimitFilter.exchange(context);
			if (exchange == null) {
				return Mono.fromFuture(() -> decide.apply(null));
			}
			return ReactiveRateLimitFilter.principal(exchange)
				.flatMap((principal) -> Mono.fromFuture(
						() -> decide.apply(new ServerRateLimitRequest(exchange.getRequest(), principal.orElse(null)))));
		});
		Mono<RateLimitDecision> allowed = decision.flatMap((outcome) -> outcome.allowed() ? Mono.just(outcome)
				: Mono.error(new RateLimitExceededException(outcome, rule.keyKind())));
		if (Flux.class.isAssignableFrom(method.getReturnType())) {
			return allowed.flatMapMany((outcome) -> Flux.from(proceed(invocation)));
		}
		return allowed.flatMap((outcome) -> Mono.from(proceed(invocation)));
	}

	private static Publisher<?> proceed(MethodInvocation invocation) {
		try {
			Object result = invocation.proceed();
			return (result != null) ? (Publisher<?>) result : Mono.empty();
		}
		catch (Throwable ex) {
			return Mono.error(ex);
		}
	}

}

package dev.redisboot.ratelimit;

import java.security.Principal;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Applies the rate-limit rules of one {@link RateLimitRule.Stage stage} to WebFlux requests,
 * as {@link RateLimitFilter} does to servlet requests (both share {@link StageRateLimiter}):
 * the same rules, keys, plans, headers, 429 problem body and failure modes. Non-blocking: the
 * decision is one script call on Lettuce's async API, batched with concurrent decisions on
 * the same bucket, and nothing waits for it. The client IP is the request's
 * {@code getRemoteAddress()}, the user the exchange's principal (Spring Security's reactive
 * security context, when the rule's stage runs after authentication).
 * <p>
 * Also makes the exchange known to {@link RateLimited @RateLimited} methods returning
 * {@code Mono} or {@code Flux} (through the Reactor context), so that their rule's key of the
 * current request is found as on the servlet stack.
 * <p>
 * Public for the auto-configuration, which registers one per stage; not API.
 */
public final class ReactiveRateLimitFilter implements WebFilter, Ordered {

	/**
	 * Reactor context key of the current exchange.
	 */
	static final String EXCHANGE = ReactiveRateLimitFilter.class.getName() + ".EXCHANGE";

	// Spring's ServerWebExchangeContextFilter, when the application registers it
	private static final String SPRING_EXCHANGE = "org.springframework.web.filter.reactive.ServerWebExchangeContextFilter.EXCHANGE_CONTEXT";

	private final StageRateLimiter stage;

	private final int order;

	/**
	 * Creates a filter.
	 * @param rules the rules of this filter's stage, in order
	 * @param limiter decides requests
	 * @param planResolver chooses the plan for rules with plans, or {@code null}
	 * @param firstMatchOnly whether only the first matching rule applies
	 * @param unavailableRetrySeconds {@code Retry-After} of a 503 while Redis is unavailable
	 * @param order the filter's order (Spring Security's web filter chain has -100)
	 */
	public ReactiveRateLimitFilter(List<RateLimitRule> rules, RateLimiter limiter,
			@Nullable RatePlanResolver planResolver, boolean firstMatchOnly, long unavailableRetrySeconds, int order) {
		this.stage = new StageRateLimiter(rules, limiter, planResolver, firstMatchOnly, unavailableRetrySeconds);
		this.order = order;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		PathContainer path = request.getPath().pathWithinApplication();
		List<RateLimitRule> rules = this.stage.matching(request.getMethod().name(), path);
		Mono<Void> next = chain.filter(exchange).contextWrite((context) -> context.put(EXCHANGE, exchange));
		if (rules.isEmpty()) {
			return next;
		}
		return principal(exchange)
			.flatMap((principal) -> Mono
				.fromFuture(() -> this.stage.decide(rules, new ServerRateLimitRequest(request, principal.orElse(null)))))
			.flatMap((verdict) -> {
				ServerHttpResponse response = exchange.getResponse();
				RateLimitHeaders.write(response.getHeaders()::set, verdict.decisions());
				return (verdict.rejection() != null) ? reject(response, verdict.rejection(), path.value()) : next;
			});
	}

	@Override
	public int getOrder() {
		return this.order;
	}

	static Mono<Optional<Principal>> principal(ServerWebExchange exchange) {
		return exchange.getPrincipal().map(Optional::of).defaultIfEmpty(Optional.empty());
	}

	/**
	 * Turns a request away with the rejection's status, {@code Retry-After} and problem body.
	 * @param response the response
	 * @param rejection why the request is turned away
	 * @param instance the request path, for the problem's {@code instance}
	 * @return completes when the body is written
	 */
	static Mono<Void> reject(ServerHttpResponse response, RateLimitHeaders.Rejection rejection, String instance) {
		response.setStatusCode(HttpStatusCode.valueOf(rejection.status()));
		if (rejection.retryAfterSeconds() > 0) {
			response.getHeaders().set("Retry-After", Long.toString(rejection.retryAfterSeconds()));
		}
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		DataBuffer body = response.bufferFactory().wrap(RateLimitHeaders.body(rejection, instance));
		return response.writeWith(Mono.just(body));
	}

	/**
	 * The exchange a reactive {@code @RateLimited} call belongs to.
	 * @param context the call's Reactor context
	 * @return the exchange, or {@code null} outside one
	 */
	static @Nullable ServerWebExchange exchange(ContextView context) {
		Object exchange = context.getOrDefault(EXCHANGE, null);
		if (exchange == null) {
			exchange = context.getOrDefault(SPRING_EXCHANGE, null);
		}
		return (exchange instanceof ServerWebExchange serverWebExchange) ? serverWebExchange : null;
	}

}

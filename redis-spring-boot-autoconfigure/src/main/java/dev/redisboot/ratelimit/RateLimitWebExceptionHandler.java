package dev.redisboot.ratelimit;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Answers a {@link RateLimitExceededException} signalled by a WebFlux handler (a
 * {@link RateLimited @RateLimited} method returning {@code Mono} or {@code Flux}) the way the
 * rate-limit filters answer: 429 (or 503) with {@code Retry-After}, 401 without a known client,
 * the rate-limit headers and a problem body. Runs before Spring Boot's error handler (order
 * -1). The WebFlux twin of {@link RateLimitExceptionResolver}.
 * <p>
 * Public for the auto-configuration; not API.
 */
public final class RateLimitWebExceptionHandler implements WebExceptionHandler, Ordered {

	private final long unavailableRetrySeconds;

	/**
	 * Creates the handler.
	 * @param unavailableRetrySeconds {@code Retry-After} of a 503
	 */
	public RateLimitWebExceptionHandler(long unavailableRetrySeconds) {
		this.unavailableRetrySeconds = unavailableRetrySeconds;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		ServerHttpResponse response = exchange.getResponse();
		if (!(ex instanceof RateLimitExceededException exceeded) || response.isCommitted()) {
			return Mono.error(ex);
		}
		response.getHeaders().clearContentHeaders();
		RateLimitHeaders.write(response.getHeaders()::set, List.of(exceeded.getDecision()));
		return ReactiveRateLimitFilter.reject(response,
				RateLimitHeaders.rejection(exceeded.getDecision(), this.unavailableRetrySeconds,
						exceeded.clientKeyKind()),
				exchange.getRequest().getPath().pathWithinApplication().value());
	}

	@Override
	public int getOrder() {
		return -2;
	}

}

package dev.redisboot.session;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Answers a WebFlux request that failed because the session store is unavailable (Redis
 * does not answer, or the sessions' circuit breaker is open) with {@code 503 Service
 * Unavailable}, a {@code Retry-After} of the breaker's open duration and a problem+json
 * body, unless its response was sent already: the failure is temporary and not the
 * application's. The servlet stack's {@link SessionRequestScopeFilter} does the same.
 * <p>
 * Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class ReactiveSessionUnavailableFilter implements WebFilter, Ordered {

	private final SessionStoreUnavailable unavailable;

	/**
	 * Creates a filter.
	 * @param unavailableRetrySeconds the {@code Retry-After} of a 503 while the session store
	 * is unavailable
	 */
	public ReactiveSessionUnavailableFilter(long unavailableRetrySeconds) {
		this.unavailable = new SessionStoreUnavailable(unavailableRetrySeconds);
	}

	/**
	 * First of all filters, so that it sees what any later one fails with.
	 */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return chain.filter(exchange)
			.onErrorResume((ex) -> !exchange.getResponse().isCommitted() && this.unavailable.isUnavailable(ex),
					(ex) -> answer(exchange.getResponse()));
	}

	private Mono<Void> answer(ServerHttpResponse response) {
		response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
		HttpHeaders headers = response.getHeaders();
		headers.clear();
		headers.set(HttpHeaders.RETRY_AFTER, this.unavailable.retryAfter());
		headers.setContentType(MediaType.parseMediaType(SessionStoreUnavailable.CONTENT_TYPE));
		headers.setContentLength(SessionStoreUnavailable.BODY.length);
		DataBuffer body = response.bufferFactory().wrap(SessionStoreUnavailable.BODY);
		return response.writeWith(Mono.just(body));
	}

}

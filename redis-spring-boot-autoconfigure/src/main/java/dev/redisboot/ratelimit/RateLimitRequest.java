package dev.redisboot.ratelimit;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP request as the rate limiter sees it, on either web stack: what a
 * {@link ClientKeyResolver} and a {@link RatePlanResolver} may read to tell the client, the
 * same for a servlet request and a WebFlux {@code ServerHttpRequest}, so that one rule, key
 * and plan resolver serve both.
 */
public interface RateLimitRequest {

	/**
	 * The client's IP address as the server reports it: the peer's address, or the
	 * forwarded client's when the server trusts the peer as a proxy (Spring Boot's
	 * {@code server.forward-headers-strategy}). Never read from a header by redisboot.
	 * @return the address, or {@code null} when unknown
	 */
	@Nullable String remoteAddress();

	/**
	 * The first value of a request header.
	 * @param name the header's name
	 * @return the value, or {@code null} when absent
	 */
	@Nullable String header(String name);

	/**
	 * The authenticated user's name: the servlet request's user principal, or the WebFlux
	 * exchange's principal (Spring Security's reactive security context when present).
	 * @return the name, or {@code null} when no one is signed in
	 */
	@Nullable String user();

	/**
	 * The request of the web stack: a {@code jakarta.servlet.http.HttpServletRequest} or an
	 * {@code org.springframework.http.server.reactive.ServerHttpRequest}.
	 * @return the request
	 */
	Object nativeRequest();

}

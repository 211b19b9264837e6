package dev.redisboot.ratelimit;

import java.net.InetSocketAddress;
import java.security.Principal;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * A WebFlux request as the rate limiter sees it, with its principal resolved beforehand (the
 * exchange gives it asynchronously). The client address is
 * {@link ServerHttpRequest#getRemoteAddress()}, which Spring Boot's
 * {@code server.forward-headers-strategy} makes the forwarded client's for a trusted proxy.
 *
 * @param request the request
 * @param principal the exchange's principal, or {@code null}
 */
record ServerRateLimitRequest(ServerHttpRequest request, @Nullable Principal principal) implements RateLimitRequest {

	@Override
	public @Nullable String remoteAddress() {
		InetSocketAddress address = this.request.getRemoteAddress();
		if (address == null) {
			return null;
		}
		// the literal address, as a servlet container reports it: never a reverse DNS lookup
		return (address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString();
	}

	@Override
	public @Nullable String header(String name) {
		return this.request.getHeaders().getFirst(name);
	}

	@Override
	public @Nullable String user() {
		return (this.principal != null) ? this.principal.getName() : null;
	}

	@Override
	public Object nativeRequest() {
		return this.request;
	}

}

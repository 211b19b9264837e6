package dev.redisboot.ratelimit;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * A servlet request as the rate limiter sees it. The only class of the shared path that
 * knows the servlet API, so that a WebFlux application without it loads none of it.
 *
 * @param request the request
 */
record ServletRateLimitRequest(HttpServletRequest request) implements RateLimitRequest {

	@Override
	public @Nullable String remoteAddress() {
		return this.request.getRemoteAddr();
	}

	@Override
	public @Nullable String header(String name) {
		return this.request.getHeader(name);
	}

	@Override
	public @Nullable String user() {
		Principal principal = this.request.getUserPrincipal();
		return (principal != null) ? principal.getName() : null;
	}

	@Override
	public Object nativeRequest() {
		return this.request;
	}

	/**
	 * The servlet request the current thread serves.
	 * @return the request, or {@code null} outside one
	 */
	static @Nullable RateLimitRequest current() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		return (attributes instanceof ServletRequestAttributes servlet) ? new ServletRateLimitRequest(servlet.getRequest())
				: null;
	}

}

package dev.redisboot.sample.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.util.StringUtils;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Turns away API requests whose {@code X-API-Key} belongs to no user, with a 401 problem.
 * The API itself is open to anonymous clients (limited per IP), but a client that sends a
 * key must send a real one: otherwise inventing a new key for every request would get a new
 * rate-limit bucket every time, and around the per-IP limit of anonymous clients. Such
 * requests are still counted by the rate limiter, which runs first.
 *
 * @author redisboot
 */
class ApiKeyInterceptor implements HandlerInterceptor {

	private final ApiKeyService apiKeys;

	ApiKeyInterceptor(ApiKeyService apiKeys) {
		this.apiKeys = apiKeys;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
		String apiKey = request.getHeader(ApiKeyService.HEADER);
		if (StringUtils.hasText(apiKey) && this.apiKeys.planOf(apiKey).isEmpty()) {
			throw new UnknownApiKeyException();
		}
		return true;
	}

}

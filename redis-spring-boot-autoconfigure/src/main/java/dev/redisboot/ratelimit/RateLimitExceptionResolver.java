package dev.redisboot.ratelimit;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers a {@link RateLimitExceededException} from a controller or anything it calls the way
 * the rate-limit filter answers: 429 (or 503) with {@code Retry-After}, 401 without a known
 * client, the rate-limit headers and a problem body. Runs before Spring MVC's other
 * resolvers.
 * <p>
 * Public for the auto-configuration; not API.
 */
public final class RateLimitExceptionResolver implements HandlerExceptionResolver, Ordered {

	private final long unavailableRetrySeconds;

	/**
	 * Creates the resolver.
	 * @param unavailableRetrySeconds {@code Retry-After} of a 503
	 */
	public RateLimitExceptionResolver(long unavailableRetrySeconds) {
		this.unavailableRetrySeconds = unavailableRetrySeconds;
	}

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		if (!(ex instanceof RateLimitExceededException exceeded) || response.isCommitted()) {
			return null;
		}
		try {
			RateLimitHeaders.write(response::setHeader, List.of(exceeded.getDecision()));
			RateLimitFilter.reject(response,
					RateLimitHeaders.rejection(exceeded.getDecision(), this.unavailableRetrySeconds,
						exceeded.clientKeyKind()),
					request.getRequestURI());
			return new ModelAndView();
		}
		catch (IOException writeFailure) {
			return null;
		}
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

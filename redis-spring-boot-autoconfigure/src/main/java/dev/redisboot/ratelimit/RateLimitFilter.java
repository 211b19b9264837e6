package dev.redisboot.ratelimit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.server.PathContainer;
import org.springframework.http.server.RequestPath;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Applies the rate-limit rules of one {@link RateLimitRule.Stage stage} to servlet requests
 * (the WebFlux twin is {@link ReactiveRateLimitFilter}; both share {@link StageRateLimiter}): each
 * matching rule takes one request from the client's bucket (or, with the {@code first}
 * strategy, only the first matching rule does). A request over a limit gets 429 with
 * {@code Retry-After}; allowed requests carry the rate-limit headers. Who the client is
 * follows {@link RateLimitClientResolver}, as for {@link RateLimited @RateLimited}: a request
 * without a known client gets the rule's {@code missing-key} (401, or the client IP's
 * bucket).
 * <p>
 * Public for the auto-configuration, which registers one per stage; not API. Replace a
 * stage's filter by declaring a bean of the registration's name
 * ({@code redisbootRateLimitFilterBeforeAuthentication} or
 * {@code redisbootRateLimitFilterAfterAuthentication}).
 */
public final class RateLimitFilter extends OncePerRequestFilter {

	private final StageRateLimiter stage;

	/**
	 * Creates a filter.
	 * @param rules the rules of this filter's stage, in order
	 * @param limiter decides requests
	 * @param planResolver chooses the plan for rules with plans, or {@code null}
	 * @param firstMatchOnly whether only the first matching rule applies
	 * @param unavailableRetrySeconds {@code Retry-After} of a 503 while Redis is unavailable
	 */
	public RateLimitFilter(List<RateLimitRule> rules, RateLimiter limiter, @Nullable RatePlanResolver planResolver,
			boolean firstMatchOnly, long unavailableRetrySeconds) {
		this.stage = new StageRateLimiter(rules, limiter, planResolver, firstMatchOnly, unavailableRetrySeconds);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		PathContainer path = RequestPath.parse(request.getRequestURI(), request.getContextPath())
			.pathWithinApplication();
		List<RateLimitRule> rules = this.stage.matching(request.getMethod(), path);
		if (!rules.isEmpty()) {
			StageRateLimiter.Verdict verdict = RedisBucketScript
				.join(this.stage.decide(rules, new ServletRateLimitRequest(request)));
			RateLimitHeaders.write(response::setHeader, verdict.decisions());
			if (verdict.rejection() != null) {
				reject(response, verdict.rejection(), path.value());
				return;
			}
		}
		chain.doFilter(request, response);
	}

	/**
	 * Turns a request away with the rejection's status, {@code Retry-After} and problem body.
	 * @param response the response
	 * @param rejection why the request is turned away
	 * @param instance the request path, for the problem's {@code instance}
	 * @throws IOException when the body cannot be written
	 */
	static void reject(HttpServletResponse response, RateLimitHeaders.Rejection rejection, String instance)
			throws IOException {
		response.setStatus(rejection.status());
		if (rejection.retryAfterSeconds() > 0) {
			response.setHeader("Retry-After", Long.toString(rejection.retryAfterSeconds()));
		}
		response.setContentType("application/problem+json");
		response.setCharacterEncoding(StandardCharsets.UTF_8.name());
		response.getOutputStream().write(RateLimitHeaders.body(rejection, instance));
	}

}

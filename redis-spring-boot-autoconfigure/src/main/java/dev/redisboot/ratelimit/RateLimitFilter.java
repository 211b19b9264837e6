package dev.redisboot.ratelimit;

import java.io.IOException;
import java.util.ArrayList;
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
 * Applies the rate-limit rules of one {@link RateLimitRule.Stage stage} to requests: each
 * matching rule takes one request from the client's bucket (or, with the {@code first}
 * strategy, only the first matching rule does). A request over a limit gets 429 with
 * {@code Retry-After}; allowed requests carry the rate-limit headers.
 */
public final class RateLimitFilter extends OncePerRequestFilter {

	private final List<RateLimitRule> rules;

	private final RateLimiter limiter;

	private final @Nullable RatePlanResolver planResolver;

	private final boolean firstMatchOnly;

	private final long unavailableRetrySeconds;

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
		this.rules = List.copyOf(rules);
		this.limiter = limiter;
		this.planResolver = planResolver;
		this.firstMatchOnly = firstMatchOnly;
		this.unavailableRetrySeconds = unavailableRetrySeconds;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		PathContainer path = RequestPath.parse(request.getRequestURI(), request.getContextPath())
			.pathWithinApplication();
		List<RateLimitDecision> decisions = new ArrayList<>(2);
		for (RateLimitRule rule : this.rules) {
			if (!rule.matches(request.getMethod(), path)) {
				continue;
			}
			String clientKey = rule.key().resolve(request);
			String plan = null;
			if (clientKey != null && !rule.plans().isEmpty() && this.planResolver != null) {
				plan = this.planResolver.resolvePlan(request, rule.name());
				if (plan == null) {
					clientKey = null; // an unknown client (an invented API key) must not get a fresh bucket
				}
			}
			if (clientKey == null && rule.missingKey() == RateLimitRule.MissingKey.IP) {
				clientKey = ClientKeyResolver.ip().resolve(request);
			}
			if (clientKey == null) {
				RateLimitHeaders.write(response, decisions);
				RateLimitHeaders.reject(response, RateLimitHeaders.missingKey(rule), path.value());
				return;
			}
			RateLimitDecision decision = this.limiter.consume(rule, clientKey, plan);
			decisions.add(decision);
			if (!decision.allowed()) {
				RateLimitHeaders.write(response, decisions);
				RateLimitHeaders.reject(response, RateLimitHeaders.rejection(decision, this.unavailableRetrySeconds),
						path.value());
				return;
			}
			if (this.firstMatchOnly) {
				break;
			}
		}
		RateLimitHeaders.write(response, decisions);
		chain.doFilter(request, response);
	}

}

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

	private final List<RateLimitRule> rules;

	private final RateLimiter limiter;

	private final RateLimitClientResolver clients;

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
		this.clients = new RateLimitClientResolver(() -> planResolver);
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
			RateLimitDecision decision = this.clients.decide(this.limiter, rule, request);
			decisions.add(decision);
			if (!decision.allowed()) {
				RateLimitHeaders.write(response, decisions);
				RateLimitHeaders.reject(response,
						RateLimitHeaders.rejection(decision, this.unavailableRetrySeconds, rule.keyKind()), path.value());
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

package dev.redisboot.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.http.server.PathContainer;

/**
 * The rules of one {@link RateLimitRule.Stage stage} applied to one HTTP request: the
 * stack-neutral core of the servlet {@link RateLimitFilter} and the WebFlux
 * {@link ReactiveRateLimitFilter}. Each matching rule takes one request from the client's
 * bucket, in order (or, with the {@code first} strategy, only the first matching rule does),
 * until one turns the request away. Asynchronous throughout: the servlet filter waits for the
 * verdict, the WebFlux filter subscribes to it.
 */
final class StageRateLimiter {

	private final List<RateLimitRule> rules;

	private final RateLimiter limiter;

	private final RateLimitClientResolver clients;

	private final boolean firstMatchOnly;

	private final long unavailableRetrySeconds;

	StageRateLimiter(List<RateLimitRule> rules, RateLimiter limiter, @Nullable RatePlanResolver planResolver,
			boolean firstMatchOnly, long unavailableRetrySeconds) {
		this.rules = List.copyOf(rules);
		this.limiter = limiter;
		this.clients = new RateLimitClientResolver(() -> planResolver);
		this.firstMatchOnly = firstMatchOnly;
		this.unavailableRetrySeconds = unavailableRetrySeconds;
	}

	/**
	 * The rules that apply to a request, in order.
	 * @param method the request's method
	 * @param path the request's path within the application
	 * @return the rules, empty when none applies
	 */
	List<RateLimitRule> matching(String method, PathContainer path) {
		List<RateLimitRule> matching = null;
		for (RateLimitRule rule : this.rules) {
			if (rule.matches(method, path)) {
				if (this.firstMatchOnly) {
					return List.of(rule);
				}
				if (matching == null) {
					matching = new ArrayList<>(2);
				}
				matching.add(rule);
			}
		}
		return (matching != null) ? matching : List.of();
	}

	/**
	 * Decides a request against its matching rules, in order, until one turns it away.
	 * @param rules the matching rules, from {@link #matching}
	 * @param request the request
	 * @return the verdict's future; it never fails for a Redis failure
	 */
	CompletableFuture<Verdict> decide(List<RateLimitRule> rules, RateLimitRequest request) {
		return decide(rules, 0, request, new ArrayList<>(rules.size()));
	}

	private CompletableFuture<Verdict> decide(List<RateLimitRule> rules, int index, RateLimitRequest request,
			List<RateLimitDecision> decisions) {
		if (index == rules.size()) {
			return CompletableFuture.completedFuture(new Verdict(decisions, null));
		}
		RateLimitRule rule = rules.get(index);
		return this.clients.decideAsync(this.limiter, rule, request).thenCompose((decision) -> {
			decisions.add(decision);
			if (!decision.allowed()) {
				return CompletableFuture.completedFuture(new Verdict(decisions,
						RateLimitHeaders.rejection(decision, this.unavailableRetrySeconds, rule.keyKind())));
			}
			return decide(rules, index + 1, request, decisions);
		});
	}

	/**
	 * What the rules say of a request.
	 *
	 * @param decisions the decisions taken, for the headers
	 * @param rejection why the request is turned away, or {@code null} when it may go on
	 */
	record Verdict(List<RateLimitDecision> decisions, RateLimitHeaders.@Nullable Rejection rejection) {
	}

}

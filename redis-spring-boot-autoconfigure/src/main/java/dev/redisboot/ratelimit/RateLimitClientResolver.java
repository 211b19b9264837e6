package dev.redisboot.ratelimit;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Tells which client a request is limited as, and with which plan: the one resolution that
 * the filters (servlet and WebFlux) and {@link RateLimited @RateLimited} share, so that a client
 * is the same client on every path.
 * <ol>
 * <li>The client key is the {@code @RateLimited} key expression's value when the annotation
 * has one (an empty value is no key), else the rule's {@link ClientKeyResolver key} of the
 * current HTTP request.</li>
 * <li>For a rule with plans, the {@link RatePlanResolver} names the plan of the HTTP client.
 * When it returns {@code null} the client is unknown (an invented or revoked API key): it
 * counts as having no key, so that each invented key cannot buy a fresh bucket with the
 * rule's own limits. Without an HTTP request (a {@code @RateLimited} call from a scheduled
 * job) there is no client to vouch for: the key expression's bucket gets the rule's own
 * limits.</li>
 * <li>Without a key, the rule's {@link RateLimitRule.MissingKey missing-key} decides:
 * {@code ip} limits by the client IP with the rule's own limits, {@code deny} turns the
 * request away with 401 without calling Redis.</li>
 * </ol>
 * An operator of an API wants the unknown key treated as no key: the other choice (the rule's
 * own limits in a bucket per key, as {@code @RateLimited} once did) gives a client who
 * invents a key per request an unlimited number of fresh buckets.
 */
final class RateLimitClientResolver {

	private final Supplier<@Nullable RatePlanResolver> planResolver;

	/**
	 * Creates the resolver.
	 * @param planResolver the application's plan resolver, asked for on use; required at
	 * startup when a rule has plans
	 */
	RateLimitClientResolver(Supplier<@Nullable RatePlanResolver> planResolver) {
		this.planResolver = planResolver;
	}

	/**
	 * The client of a request or call for a rule.
	 * @param rule the rule
	 * @param request the current HTTP request, or {@code null} outside one
	 * @param key the client key: the rule's key of the request (the filter, and
	 * {@code @RateLimited} without a key expression) or the key expression's value (already
	 * prefixed); {@code null} when there is none
	 * @return the client, or {@code null} when it has none (and {@code missing-key} is
	 * {@code deny}, or there is no request to take an IP from)
	 */
	@Nullable Client resolve(RateLimitRule rule, @Nullable RateLimitRequest request, @Nullable String key) {
		String plan = null;
		if (key != null && request != null && !rule.plans().isEmpty()) {
			RatePlanResolver plans = this.planResolver.get();
			plan = (plans != null) ? plans.resolvePlan(request, rule.name()) : null;
			if (plan == null) {
				key = null; // an unknown client (an invented API key) must not get a bucket of its own
			}
		}
		if (key == null && rule.missingKey() == RateLimitRule.MissingKey.IP && request != null) {
			key = ClientKeyResolver.ip().resolve(request);
		}
		return (key != null) ? new Client(key, plan) : null;
	}

	/**
	 * Decides a request, or a {@code @RateLimited} call without a key expression, by the
	 * rule's own key of the current HTTP request.
	 * @param limiter the limiter
	 * @param rule the rule
	 * @param request the current HTTP request, or {@code null} outside one
	 * @return the decision
	 */
	RateLimitDecision decide(RateLimiter limiter, RateLimitRule rule, @Nullable RateLimitRequest request) {
		return decide(limiter, rule, request, (request != null) ? rule.key().resolve(request) : null);
	}

	/**
	 * Decides a request or call: the limiter's decision for its client, or the decision for
	 * a missing client.
	 * @param limiter the limiter
	 * @param rule the rule
	 * @param request the current HTTP request, or {@code null} outside one
	 * @param key the client key, as for {@link #resolve}
	 * @return the decision
	 */
	RateLimitDecision decide(RateLimiter limiter, RateLimitRule rule, @Nullable RateLimitRequest request,
			@Nullable String key) {
		return RedisBucketScript.join(decideAsync(limiter, rule, request, key));
	}

	/**
	 * Decides a request by the rule's own key, without waiting.
	 * @param limiter the limiter
	 * @param rule the rule
	 * @param request the current HTTP request, or {@code null} outside one
	 * @return the decision's future
	 */
	CompletableFuture<RateLimitDecision> decideAsync(RateLimiter limiter, RateLimitRule rule,
			@Nullable RateLimitRequest request) {
		return decideAsync(limiter, rule, request, (request != null) ? rule.key().resolve(request) : null);
	}

	/**
	 * Decides a request or call without waiting: the one decision path, which {@link #decide}
	 * waits for.
	 * @param limiter the limiter
	 * @param rule the rule
	 * @param request the current HTTP request, or {@code null} outside one
	 * @param key the client key, as for {@link #resolve}
	 * @return the decision's future
	 */
	CompletableFuture<RateLimitDecision> decideAsync(RateLimiter limiter, RateLimitRule rule,
			@Nullable RateLimitRequest request, @Nullable String key) {
		Client client = resolve(rule, request, key);
		return (client != null) ? limiter.consumeAsync(rule, client.key(), client.plan())
				: CompletableFuture.completedFuture(RateLimitDecision.missingClient(rule));
	}

	/**
	 * A client as the limiter sees it.
	 *
	 * @param key the client key (never written to Redis in clear)
	 * @param plan the plan, or {@code null} for the rule's own limits
	 */
	record Client(String key, @Nullable String plan) {
	}

}

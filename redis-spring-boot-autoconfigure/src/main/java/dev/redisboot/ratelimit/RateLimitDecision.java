package dev.redisboot.ratelimit;

import java.util.List;

/**
 * The outcome of one request against one rule.
 *
 * @param rule the rule's name
 * @param limits the limits that applied (those of the client's plan, if any)
 * @param allowed whether the request may go on
 * @param source what the decision is based on
 * @param remaining requests left before the client is limited
 * @param resetSeconds seconds until the client's quota is full again (for a rejected
 * request: until the next request is allowed)
 * @param headers whether the rule sends rate-limit headers
 */
public record RateLimitDecision(String rule, List<Limit> limits, boolean allowed, Source source, long remaining,
		long resetSeconds, boolean headers) {

	/**
	 * Whether the request was turned away because the limits could not be checked (Redis
	 * unavailable and the rule's failure mode is {@code deny}), rather than for being over
	 * a limit.
	 * @return whether the limiter was unavailable
	 */
	public boolean isUnavailable() {
		return !this.allowed && this.source == Source.NONE;
	}

	/**
	 * Whether the request was turned away for having no known client (no client key, or
	 * one the {@link RatePlanResolver} does not know) under {@code missing-key: deny}.
	 * @return whether the client was missing
	 */
	public boolean isMissingClient() {
		return this.source == Source.NO_CLIENT;
	}

	/**
	 * The decision for a request without a known client under {@code missing-key: deny}.
	 * @param rule the rule
	 * @return the decision
	 */
	static RateLimitDecision missingClient(RateLimitRule rule) {
		return new RateLimitDecision(rule.name(), rule.limits(), false, Source.NO_CLIENT, 0, 0, false);
	}

	/**
	 * What a decision is based on.
	 */
	public enum Source {

		/**
		 * The client's bucket in Redis, shared by every instance.
		 */
		REDIS,

		/**
		 * Redis was unavailable: an in-JVM bucket with the same limits
		 * ({@code on-redis-failure: local}).
		 */
		LOCAL,

		/**
		 * Redis was unavailable: the rule's failure mode alone ({@code allow} or
		 * {@code deny}).
		 */
		NONE,

		/**
		 * No bucket at all: the request had no known client and the rule's
		 * {@code missing-key} is {@code deny} (answered 401). See
		 * {@link RateLimitRule.MissingKey}.
		 */
		NO_CLIENT

	}

}

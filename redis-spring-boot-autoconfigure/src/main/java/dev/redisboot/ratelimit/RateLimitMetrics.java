package dev.redisboot.ratelimit;

/**
 * Counts rate-limit decisions. Implementations must be cheap and thread-safe.
 */
@FunctionalInterface
public interface RateLimitMetrics {

	/**
	 * Metrics that record nothing.
	 */
	RateLimitMetrics NONE = (rule, result) -> {
	};

	/**
	 * A decision was made.
	 * @param rule the rule's name
	 * @param result {@code allowed}, {@code rejected} (over the limit), or {@code error}
	 * (Redis was unavailable; the rule's failure mode decided)
	 */
	void decision(String rule, String result);

}

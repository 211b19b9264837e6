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
	 * (Redis was unavailable or refused, and the rule's failure mode decided; or the bucket
	 * held bad state and a fresh bucket replaced it)
	 */
	void decision(String rule, String result);

}

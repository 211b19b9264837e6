package dev.redisboot.ratelimit;

/**
 * Thrown by a {@link RateLimited @RateLimited} method called over its limit (or while its
 * limit cannot be checked and the rule denies). Spring MVC answers it like the filter does:
 * 429 with {@code Retry-After} (503 when unavailable) and a problem body.
 */
public class RateLimitExceededException extends RuntimeException {

	private final RateLimitDecision decision;

	/**
	 * Creates an exception.
	 * @param decision the decision that turned the call away
	 */
	public RateLimitExceededException(RateLimitDecision decision) {
		super(decision.isUnavailable() ? "Rate limit '" + decision.rule() + "' cannot be checked right now"
				: "Rate limit '" + decision.rule() + "' exceeded; retry in " + decision.resetSeconds() + " s");
		this.decision = decision;
	}

	/**
	 * The decision.
	 * @return the decision
	 */
	public RateLimitDecision getDecision() {
		return this.decision;
	}

	/**
	 * Seconds until a call may succeed.
	 * @return the seconds
	 */
	public long getRetryAfterSeconds() {
		return this.decision.resetSeconds();
	}

}

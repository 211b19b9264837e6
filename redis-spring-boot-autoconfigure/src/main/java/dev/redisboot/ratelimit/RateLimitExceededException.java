package dev.redisboot.ratelimit;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a {@link RateLimited @RateLimited} method called over its limit, while its limit
 * cannot be checked and the rule denies, or without a known client under
 * {@code missing-key: deny}. Spring MVC answers it like the filter does: 429 with
 * {@code Retry-After} (503 when unavailable, 401 without a known client) and a problem body.
 */
public class RateLimitExceededException extends RuntimeException {

	private final RateLimitDecision decision;

	private final @Nullable String clientKeyKind;

	/**
	 * Creates an exception.
	 * @param decision the decision that turned the call away
	 */
	public RateLimitExceededException(RateLimitDecision decision) {
		this(decision, null);
	}

	RateLimitExceededException(RateLimitDecision decision, @Nullable String clientKeyKind) {
		super(message(decision));
		this.decision = decision;
		this.clientKeyKind = clientKeyKind;
	}

	private static String message(RateLimitDecision decision) {
		if (decision.isMissingClient()) {
			return "Rate limit '" + decision.rule() + "' needs a known client, and the call has none";
		}
		return decision.isUnavailable() ? "Rate limit '" + decision.rule() + "' cannot be checked right now"
				: "Rate limit '" + decision.rule() + "' exceeded; retry in " + decision.resetSeconds() + " s";
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

	/**
	 * The kind of client key the rule needed, for a missing client.
	 * @return the kind, such as {@code header:X-API-Key}, or {@code null}
	 */
	@Nullable String clientKeyKind() {
		return this.clientKeyKind;
	}

}

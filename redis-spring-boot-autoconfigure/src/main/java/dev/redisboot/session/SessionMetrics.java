package dev.redisboot.session;

import dev.redisboot.session.UnreadableSessionException.Cause;

/**
 * Counts what happens to sessions. Implementations must be cheap and thread-safe.
 *
 * @author redisboot
 */
public interface SessionMetrics {

	/**
	 * Metrics that record nothing.
	 */
	SessionMetrics NONE = new SessionMetrics() {
	};

	/**
	 * A new session was stored.
	 */
	default void created() {
	}

	/**
	 * Sessions were found expired by this instance's clean-up.
	 * @param count how many
	 */
	default void expired(int count) {
	}

	/**
	 * Sessions were revoked: signed out everywhere, or over the maximum per principal.
	 * @param reason {@code revoked} (the API) or {@code max-sessions}
	 * @param count how many
	 */
	default void revoked(String reason, int count) {
	}

	/**
	 * A session was invalidated by its own user (logout).
	 */
	default void invalidated() {
	}

	/**
	 * A stored session could not be read and was treated as no session.
	 * @param cause why
	 */
	default void unreadable(Cause cause) {
	}

	/**
	 * Redis held or answered something a session operation could not use: a key of the
	 * wrong type (replaced), a refused command ({@code NOPERM}, another error reply), a
	 * session deleted while a request was using it, an id that could not be decrypted.
	 * @param family the key family: {@code session}, {@code principal-index} or
	 * {@code expirations}
	 * @param fault {@code wrong-type}, {@code noperm}, {@code command-error},
	 * {@code deleted} or {@code id-unavailable}
	 */
	default void fault(String family, String fault) {
	}

	/**
	 * A Redis call of a session operation did not get an answer: Redis was unavailable or
	 * did not answer in time ({@code failed}), or the sessions' circuit breaker was open and
	 * the call was not sent ({@code short-circuited}). The request that made it fails with
	 * HTTP 503.
	 * @param shortCircuited whether the circuit breaker kept the call from Redis
	 */
	default void unavailable(boolean shortCircuited) {
	}

}

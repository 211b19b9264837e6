package dev.redisboot.audit;

/**
 * Where the audit trail reports what it recorded and what it could not. Implemented with
 * Micrometer by {@link MicrometerAuditMetrics}.
 *
 * @author redisboot
 */
public interface AuditMetrics {

	/**
	 * Metrics that record nothing.
	 */
	AuditMetrics NONE = new AuditMetrics() {
	};

	/**
	 * An action was recorded (in the log at least).
	 * @param action the action
	 * @param result its result
	 */
	default void recorded(String action, String result) {
	}

	/**
	 * The trail could not be written to or read from Redis.
	 * @param operation {@code write} or {@code read}
	 * @param cause the cause: {@code no-permission}, {@code wrong-type},
	 * {@code unavailable} or {@code other}
	 */
	default void failed(String operation, String cause) {
	}

	/**
	 * Records of accesses to sensitive data were lost.
	 * @param reason {@code queue-full} (more offered than the writer keeps up with),
	 * {@code closed} (offered while the application shuts down), or why
	 * Redis refused their write: {@code no-permission}, {@code wrong-type},
	 * {@code unavailable} or {@code other}
	 * @param count how many
	 */
	default void dropped(String reason, long count) {
	}

}

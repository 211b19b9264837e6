package dev.redisboot.core.redis;

/**
 * Redis cannot be used as configured: the startup check could not log in, could not complete
 * the TLS handshake, could not reach it (when required at startup), or the ACL user lacks key
 * or channel rights a feature needs. Reported by a {@code FailureAnalyzer} with the
 * description and action below, which never contain a password.
 */
public class RedisAccessException extends RuntimeException {

	private final String description;

	private final String action;

	/**
	 * Creates an exception.
	 * @param description what is wrong
	 * @param action what to check or change
	 * @param cause the failure, if any
	 */
	public RedisAccessException(String description, String action, Throwable cause) {
		super(description, cause);
		this.description = description;
		this.action = action;
	}

	/**
	 * Creates an exception without a cause.
	 * @param description what is wrong
	 * @param action what to check or change
	 */
	public RedisAccessException(String description, String action) {
		super(description);
		this.description = description;
		this.action = action;
	}

	/**
	 * What is wrong.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	/**
	 * What to check or change.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}

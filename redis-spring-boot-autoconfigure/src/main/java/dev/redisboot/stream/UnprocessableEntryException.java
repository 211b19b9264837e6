package dev.redisboot.stream;

/**
 * An entry that no retry can help, such as a payload that is not valid JSON for the
 * listener's type or a job type without a handler: it goes to the dead-letter stream at
 * once.
 *
 * @author redisboot
 */
public class UnprocessableEntryException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message why the entry cannot be processed
	 * @param cause the cause, or {@code null}
	 */
	public UnprocessableEntryException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.redisboot.writebehind;

/**
 * Thrown by {@link WriteBehind#write} when the write could not be queued (Redis unavailable,
 * refusing the write, or the jobs' circuit breaker open): neither the cache nor the database
 * gets the value, and the caller decides (write synchronously, fail the request, retry).
 *
 * @author redisboot
 */
public class WriteBehindException extends RuntimeException {

	/**
	 * Creates an exception.
	 * @param message the message
	 * @param cause the cause
	 */
	public WriteBehindException(String message, Throwable cause) {
		super(message, cause);
	}

}

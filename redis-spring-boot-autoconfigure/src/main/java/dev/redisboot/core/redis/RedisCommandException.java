package dev.redisboot.core.redis;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Redis failed, was unreachable, did not answer in time, or answered with an error during a
 * cache operation. With {@link CacheFailureMode#FAIL} it reaches the caller (through
 * Spring's {@code CacheErrorHandler}); with {@link CacheFailureMode#DEGRADE} it is counted
 * and absorbed, and only an unavailable Redis counts towards the circuit breaker.
 */
public class RedisCommandException extends DataAccessResourceFailureException {

	private final Kind kind;

	/**
	 * Creates an exception.
	 * @param kind what went wrong
	 * @param message what failed
	 * @param cause the cause
	 */
	public RedisCommandException(Kind kind, String message, Throwable cause) {
		super(message, cause);
		this.kind = kind;
	}

	/**
	 * Creates an exception without a cause, such as for a call that a
	 * {@link RedisCircuitBreaker} did not let through.
	 * @param kind what went wrong
	 * @param message what failed
	 */
	public RedisCommandException(Kind kind, String message) {
		super(message);
		this.kind = kind;
	}

	/**
	 * Whether Redis could not be reached or did not answer in time.
	 * @return whether Redis is unavailable
	 */
	public boolean isRedisUnavailable() {
		return this.kind == Kind.UNAVAILABLE;
	}

	/**
	 * Whether Redis answered the command with an error reply.
	 * @return whether the command failed on the server
	 */
	public boolean isCommandError() {
		return this.kind == Kind.COMMAND_ERROR;
	}

	/**
	 * Whether the calling thread was interrupted while waiting for Redis.
	 * @return whether interrupted
	 */
	public boolean isInterrupted() {
		return this.kind == Kind.INTERRUPTED;
	}

	/**
	 * What went wrong.
	 */
	public enum Kind {

		/**
		 * Redis could not be reached or did not answer in time.
		 */
		UNAVAILABLE,

		/**
		 * Redis answered with an error reply.
		 */
		COMMAND_ERROR,

		/**
		 * The caller was interrupted while waiting.
		 */
		INTERRUPTED

	}

}

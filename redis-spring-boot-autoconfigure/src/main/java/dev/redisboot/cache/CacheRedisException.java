package dev.redisboot.cache;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Redis failed, was unreachable or did not answer in time during a cache operation. With
 * {@link CacheFailureMode#FAIL} it reaches the caller (through Spring's
 * {@code CacheErrorHandler}); with {@link CacheFailureMode#DEGRADE} it is counted and
 * absorbed.
 */
public class CacheRedisException extends DataAccessResourceFailureException {

	/**
	 * Creates an exception.
	 * @param message what failed
	 * @param cause the cause
	 */
	public CacheRedisException(String message, Throwable cause) {
		super(message, cause);
	}

}

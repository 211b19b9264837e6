package dev.redisboot.test;

/**
 * Thrown when a test Redis server answers a command with an error reply.
 */
public class RedisCommandException extends RuntimeException {

	public RedisCommandException(String message) {
		super(message);
	}

}

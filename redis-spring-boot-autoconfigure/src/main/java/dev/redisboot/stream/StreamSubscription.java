package dev.redisboot.stream;

import org.springframework.util.Assert;

/**
 * A consumer group's subscription to a stream, run by a {@link StreamListenerContainer}:
 * made for each {@code @RedisStreamListener} method and for the job handlers, or by an
 * application for a handler of its own.
 *
 * @param name a short name for threads and logs, such as the listener method's
 * @param stream the stream's name
 * @param group the consumer group
 * @param concurrency how many consumers this instance runs
 * @param settings how entries are read, retried, reclaimed and trimmed
 * @param handler what processes each entry
 * @author redisboot
 */
public record StreamSubscription(String name, String stream, String group, int concurrency, StreamSettings settings,
		StreamHandler handler) {

	/**
	 * Creates a subscription.
	 * @throws IllegalArgumentException if a name is empty, the stream's name has a curly
	 * brace (Redis Cluster hash tags reserve them) or the concurrency is below 1
	 */
	public StreamSubscription {
		Assert.hasText(name, "'name' must not be empty");
		Assert.hasText(stream, "'stream' must not be empty");
		Assert.isTrue(!stream.contains("{") && !stream.contains("}"), "'stream' must not contain a curly brace");
		Assert.hasText(group, "'group' must not be empty");
		Assert.isTrue(concurrency >= 1, "'concurrency' must be at least 1");
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(handler, "'handler' must not be null");
	}

}

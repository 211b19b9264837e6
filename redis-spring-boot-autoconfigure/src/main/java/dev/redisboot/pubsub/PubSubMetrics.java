package dev.redisboot.pubsub;

/**
 * Counts pub/sub messages. Implementations must be cheap and thread-safe.
 *
 * @author redisboot
 */
public interface PubSubMetrics {

	/**
	 * Metrics that record nothing.
	 */
	PubSubMetrics NONE = new PubSubMetrics() {
	};

	/**
	 * A message was published by the {@link RedisPublisher}.
	 * @param channel the channel it was published to
	 */
	default void published(String channel) {
	}

	/**
	 * A publish was not sent because the publisher's circuit breaker was open after
	 * consecutive failures; it threw at once.
	 * @param channel the channel it was for
	 */
	default void shortCircuited(String channel) {
	}

	/**
	 * A listener handled a message.
	 * @param topic the listener's topic: the channel, or the pattern of a pattern listener
	 */
	default void received(String topic) {
	}

	/**
	 * A listener failed on a message: it threw, or the payload could not be converted to
	 * its parameter type.
	 * @param topic the listener's topic: the channel, the pattern of a pattern listener, or
	 * {@code unknown} for a plain {@code MessageListener}, whose channel the container's
	 * error handler is not told
	 */
	default void failed(String topic) {
	}

	/**
	 * A received message was dropped before any listener saw it: the listener executor's
	 * queue was full (listeners slower than the messages arriving).
	 */
	default void dropped() {
	}

}

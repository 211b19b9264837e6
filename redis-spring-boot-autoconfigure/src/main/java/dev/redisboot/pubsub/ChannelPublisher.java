package dev.redisboot.pubsub;

import dev.redisboot.core.redis.RedisCommandException;
import tools.jackson.databind.ObjectWriter;

import org.springframework.data.redis.serializer.SerializationException;

/**
 * Publishes payloads of one type to one channel, as {@link RedisPublisher#channel} makes
 * it. Payloads are written as their declared type {@code T}.
 *
 * @param <T> the payload type
 * @author redisboot
 */
public final class ChannelPublisher<T> {

	private final RedisPublisher publisher;

	private final String channel;

	private final ObjectWriter writer;

	ChannelPublisher(RedisPublisher publisher, String channel, ObjectWriter writer) {
		this.publisher = publisher;
		this.channel = channel;
		this.writer = writer;
	}

	/**
	 * Publishes a message.
	 * @param payload the payload
	 * @return the number of subscribers that received it (see
	 * {@link RedisPublisher#publish(String, Object)})
	 * @throws SerializationException if the payload cannot be written as JSON
	 * @throws RedisCommandException if Redis is unavailable or does not answer in time
	 */
	public long publish(T payload) {
		return this.publisher.publish(this.channel, payload, this.writer);
	}

	/**
	 * The channel this publisher publishes to.
	 * @return the channel
	 */
	public String channel() {
		return this.channel;
	}

	@Override
	public String toString() {
		return "ChannelPublisher[" + this.channel + "]";
	}

}

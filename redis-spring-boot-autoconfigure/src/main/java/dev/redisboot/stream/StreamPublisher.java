package dev.redisboot.stream;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Adds entries to streams for {@link RedisStreamListener} methods: the payload as JSON in the
 * field {@code payload}, the stream trimmed to about {@code redisboot.stream.max-length}
 * entries.
 *
 * @author redisboot
 */
public final class StreamPublisher {

	private final StreamStore store;

	private final JsonPayloads payloads;

	private final long maxLength;

	/**
	 * Creates a publisher.
	 * @param store the Redis side
	 * @param payloads payload conversion
	 * @param maxLength approximate length streams are trimmed to
	 */
	public StreamPublisher(StreamStore store, JsonPayloads payloads, long maxLength) {
		this.store = store;
		this.payloads = payloads;
		this.maxLength = maxLength;
	}

	/**
	 * Adds an entry.
	 * @param stream the stream's name, as in {@code @RedisStreamListener(stream = ...)}
	 * @param payload the payload, written as JSON (strings and byte arrays as they are)
	 * @return the entry's id
	 */
	public String add(String stream, @Nullable Object payload) {
		Assert.hasText(stream, "'stream' must not be empty");
		return this.store.add(stream, Map.of(StreamFields.PAYLOAD, this.payloads.write(payload)), this.maxLength);
	}

}

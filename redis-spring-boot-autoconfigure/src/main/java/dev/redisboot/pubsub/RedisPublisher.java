package dev.redisboot.pubsub;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisCommandException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.serializer.SerializationException;
import org.springframework.util.Assert;

/**
 * Publishes messages to Redis pub/sub channels, for {@code @RedisListener} methods to
 * receive:
 *
 * <pre class="code">
 * publisher.publish("orders", new Order("o-1", 2));              // JSON
 * ChannelPublisher&lt;Order&gt; orders = publisher.channel("orders", Order.class);
 * orders.publish(new Order("o-2", 1));
 * </pre>
 *
 * A {@code String} payload is sent as its UTF-8 text and a {@code byte[]} payload as it is;
 * anything else is written as JSON with the application's Jackson mapper, the one listeners
 * read with, and without type ids: listeners read it as their declared parameter type.
 * <p>
 * Channel names are used as given, without {@code redisboot.key-prefix}: they are not keys,
 * and listeners name them literally in {@code @RedisListener}, possibly in other
 * applications. Delivery is at most once: a listener that is not subscribed at that moment
 * (starting, or reconnecting after a Redis restart) never sees the message.
 * <p>
 * Each successful publish is counted as {@code published}. A publish that fails throws a
 * {@link RedisCommandException} and is not counted. Every publish goes through the
 * publisher's circuit breaker: after consecutive failures it stops calling Redis for a
 * while, and a publish then throws an unavailable {@link RedisCommandException} at once,
 * counted as {@code short-circuited}, instead of waiting for the timeout; one publish at a
 * time then probes whether Redis is back.
 *
 * @author redisboot
 */
public final class RedisPublisher {

	private final LettuceCommands commands;

	private final JsonMapper jsonMapper;

	private final PubSubMetrics metrics;

	private final RedisCircuitBreaker circuitBreaker;

	/**
	 * Creates a publisher with a circuit breaker that opens after 3 consecutive failures,
	 * for 5 s.
	 * @param commands the Redis connection, with the publish timeout
	 * @param jsonMapper writes payloads as JSON
	 * @param metrics counts what is published
	 */
	public RedisPublisher(LettuceCommands commands, JsonMapper jsonMapper, PubSubMetrics metrics) {
		this(commands, jsonMapper, metrics, new RedisCircuitBreaker(3, Duration.ofSeconds(5), Clock.systemUTC()));
	}

	/**
	 * Creates a publisher.
	 * @param commands the Redis connection, with the publish timeout
	 * @param jsonMapper writes payloads as JSON
	 * @param metrics counts what is published
	 * @param circuitBreaker the breaker every publish goes through, used by this publisher only
	 */
	public RedisPublisher(LettuceCommands commands, JsonMapper jsonMapper, PubSubMetrics metrics,
			RedisCircuitBreaker circuitBreaker) {
		this.commands = commands;
		this.jsonMapper = jsonMapper;
		this.metrics = metrics;
		this.circuitBreaker = circuitBreaker;
	}

	/**
	 * The circuit breaker every publish goes through.
	 * @return the breaker
	 */
	public RedisCircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Publishes a message.
	 * @param channel the channel, used as given
	 * @param payload a {@code String} (sent as text), a {@code byte[]} (sent as is) or any
	 * object Jackson can write (sent as JSON)
	 * @return the number of subscribers that received the message. On Redis Cluster only
	 * the subscribers connected to the node that took the {@code PUBLISH} are counted,
	 * although the message reaches the subscribers of every node
	 * @throws SerializationException if the payload cannot be written as JSON
	 * @throws RedisCommandException if Redis is unavailable or does not answer within
	 * {@code redisboot.pubsub.timeout}, or at once while the circuit breaker is open
	 */
	public long publish(String channel, Object payload) {
		Assert.notNull(payload, "'payload' must not be null");
		return send(channel, encode(payload, this.jsonMapper.writer()));
	}

	/**
	 * A publisher of one channel and payload type.
	 * @param <T> the payload type
	 * @param channel the channel, used as given
	 * @param type the payload type, the one the channel's listeners declare
	 * @return the publisher
	 */
	public <T> ChannelPublisher<T> channel(String channel, Class<T> type) {
		Assert.hasText(channel, "'channel' must not be empty");
		Assert.notNull(type, "'type' must not be null");
		return new ChannelPublisher<>(this, channel, this.jsonMapper.writerFor(type));
	}

	long publish(String channel, Object payload, ObjectWriter writer) {
		Assert.notNull(payload, "'payload' must not be null");
		return send(channel, encode(payload, writer));
	}

	static byte[] encode(Object payload, ObjectWriter writer) {
		if (payload instanceof String text) {
			return text.getBytes(StandardCharsets.UTF_8);
		}
		if (payload instanceof byte[] bytes) {
			return bytes;
		}
		try {
			return writer.writeValueAsBytes(payload);
		}
		catch (JacksonException ex) {
			throw new SerializationException("Cannot write a " + payload.getClass().getName() + " as JSON", ex);
		}
	}

	private long send(String channel, byte[] message) {
		Assert.hasText(channel, "'channel' must not be empty");
		byte[] name = channel.getBytes(StandardCharsets.UTF_8);
		Long receivers = this.circuitBreaker.call(() -> this.commands.execute((redis) -> redis.publish(name, message)),
				(failure) -> {
					if (failure != null) {
						throw failure;
					}
					this.metrics.shortCircuited(channel);
					throw new RedisCommandException(RedisCommandException.Kind.UNAVAILABLE,
							"Redis is not called for publishing: the publisher's circuit breaker is open after "
									+ "consecutive failures (redisboot.pubsub.circuit-breaker)");
				});
		this.metrics.published(channel);
		return (receivers != null) ? receivers : 0;
	}

}

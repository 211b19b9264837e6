package dev.redisboot.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisCommandException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Adds entries to streams for {@link RedisStreamListener} methods: the payload as JSON in the
 * field {@code payload}, the stream trimmed to about {@code redisboot.stream.max-length}
 * entries.
 * <p>
 * Every add goes through the producers' circuit breaker (shared with {@link JobQueue}): after
 * consecutive adds that found Redis unavailable it stops calling Redis for a while, and an add
 * then throws an unavailable {@link RedisCommandException} at once, counted as
 * {@code redisboot.stream.adds{result=short-circuited}}, instead of waiting for
 * {@code redisboot.stream.timeout}; one call at a time then probes whether Redis is back.
 *
 * @author redisboot
 */
public final class StreamPublisher {

	private final StreamStore store;

	private final JsonPayloads payloads;

	private final long maxLength;

	private final StreamMetrics metrics;

	private final RedisCircuitBreaker circuitBreaker;

	/**
	 * Creates a publisher that counts nothing, with a circuit breaker of its own that opens
	 * after 3 consecutive failures, for 5 s.
	 * @param store the Redis side
	 * @param payloads payload conversion
	 * @param maxLength approximate length streams are trimmed to
	 */
	public StreamPublisher(StreamStore store, JsonPayloads payloads, long maxLength) {
		this(store, payloads, maxLength, StreamMetrics.NONE,
				new RedisCircuitBreaker(3, Duration.ofSeconds(5), Clock.systemUTC()));
	}

	/**
	 * Creates a publisher.
	 * @param store the Redis side
	 * @param payloads payload conversion
	 * @param maxLength approximate length streams are trimmed to
	 * @param metrics counts the adds by result
	 * @param circuitBreaker the breaker every add goes through, used by the stream producers
	 * only (never by consumers)
	 */
	public StreamPublisher(StreamStore store, JsonPayloads payloads, long maxLength, StreamMetrics metrics,
			RedisCircuitBreaker circuitBreaker) {
		this.store = store;
		this.payloads = payloads;
		this.maxLength = maxLength;
		this.metrics = metrics;
		this.circuitBreaker = circuitBreaker;
	}

	/**
	 * The circuit breaker every add goes through.
	 * @return the breaker
	 */
	public RedisCircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Adds an entry.
	 * @param stream the stream's name, as in {@code @RedisStreamListener(stream = ...)}
	 * @param payload the payload, written as JSON (strings and byte arrays as they are)
	 * @return the entry's id
	 * @throws RedisCommandException if Redis is unavailable or does not answer within
	 * {@code redisboot.stream.timeout}, or at once while the circuit breaker is open
	 */
	public String add(String stream, @Nullable Object payload) {
		Assert.hasText(stream, "'stream' must not be empty");
		Map<String, byte[]> fields = Map.of(StreamFields.PAYLOAD, this.payloads.write(payload));
		String id = this.circuitBreaker.call(() -> this.store.add(stream, fields, this.maxLength), (failure) -> {
			if (failure != null) {
				this.metrics.added(stream, "failed");
				throw failure;
			}
			this.metrics.added(stream, "short-circuited");
			throw new RedisCommandException(RedisCommandException.Kind.UNAVAILABLE,
					"Redis is not called for adding to stream '" + stream + "': the stream producers' circuit "
							+ "breaker is open after consecutive failures (redisboot.stream.circuit-breaker)");
		});
		this.metrics.added(stream, "added");
		return id;
	}

}

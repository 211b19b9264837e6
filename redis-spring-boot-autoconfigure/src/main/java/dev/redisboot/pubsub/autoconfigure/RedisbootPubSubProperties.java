package dev.redisboot.pubsub.autoconfigure;

import java.time.Duration;

import dev.redisboot.core.autoconfigure.CircuitBreakerProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Configuration properties of redisboot's pub/sub support.
 *
 * @author redisboot
 */
@ConfigurationProperties("redisboot.pubsub")
public class RedisbootPubSubProperties {

	/**
	 * Whether to add redisboot's pub/sub support: JSON payloads with the application's
	 * mapper, error handling and metrics for @RedisListener methods, and the RedisPublisher.
	 */
	private boolean enabled = true;

	/**
	 * Longest time RedisPublisher waits for Redis to take a message before publish fails.
	 */
	private @Nullable Duration timeout = Duration.ofSeconds(1);

	/**
	 * Circuit breaker of RedisPublisher that stops calling Redis during an outage: publish
	 * then fails at once instead of each waiting for the timeout.
	 */
	@NestedConfigurationProperty
	private final CircuitBreakerProperties circuitBreaker = new CircuitBreakerProperties();

	private final Listener listener = new Listener();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(@Nullable Duration timeout) {
		this.timeout = timeout;
	}

	public CircuitBreakerProperties getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public Listener getListener() {
		return this.listener;
	}

	/**
	 * The threads that run listener methods for Spring Boot's listener container (unless
	 * virtual threads are on: then Boot's virtual-thread executor is kept).
	 */
	public static class Listener {

		/**
		 * Threads that run listener methods. Boot's container alone starts a new thread
		 * for every message and listener. 1 keeps each channel's messages in order.
		 */
		private int threads = 4;

		/**
		 * Messages that may wait for a listener thread. Beyond that a message is dropped,
		 * counted as redisboot.pubsub.messages{result="dropped"} and logged once, rather
		 * than holding up the subscription connection (pub/sub delivers at most once anyway).
		 */
		private int queueCapacity = 10_000;

		public int getThreads() {
			return this.threads;
		}

		public void setThreads(int threads) {
			this.threads = threads;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

	}

}

package dev.redisboot.pubsub.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

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

}

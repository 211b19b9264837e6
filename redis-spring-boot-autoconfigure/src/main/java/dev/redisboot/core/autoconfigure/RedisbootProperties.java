package dev.redisboot.core.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties shared by every redisboot feature.
 *
 * @author redisboot
 */
@ConfigurationProperties("redisboot")
public class RedisbootProperties {

	/**
	 * Prefix written, followed by ':', before every Redis key that redisboot creates, for
	 * example 'prod'. Lets several applications or environments share one Redis. Must not
	 * contain whitespace, curly braces, '*', '?', square brackets or backslashes, nor start
	 * or end with ':'. When not set, keys start with the feature name.
	 */
	private @Nullable String keyPrefix;

	/**
	 * Secret (Base64 of at least 16 random bytes) that keys the digests standing for
	 * session ids, client addresses, user names and API keys in Redis key names. Without it
	 * the digests cannot be reversed for random session ids, but a client address or a known
	 * e-mail address can be found by trying candidates. Changing it starts every rate-limit
	 * bucket afresh and signs every session out.
	 */
	private @Nullable String keyDigestSecret;

	private final Connection connection = new Connection();

	public @Nullable String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(@Nullable String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public @Nullable String getKeyDigestSecret() {
		return this.keyDigestSecret;
	}

	public void setKeyDigestSecret(@Nullable String keyDigestSecret) {
		this.keyDigestSecret = keyDigestSecret;
	}

	public Connection getConnection() {
		return this.connection;
	}

	/**
	 * How redisboot treats the connection to Redis at startup and after an outage.
	 */
	public static class Connection {

		/**
		 * Whether startup fails when Redis cannot be reached. By default the application
		 * starts, logs a warning, and its features degrade as during an outage until Redis
		 * answers. Wrong credentials, a TLS mismatch and missing key or channel rights fail
		 * startup either way: they do not heal by waiting.
		 */
		private boolean requireAtStartup;

		/**
		 * Longest wait between two reconnect attempts after Redis went away. Lettuce's own
		 * default doubles up to 30s, so after a long outage the application could take up
		 * to 30s to notice that Redis is back.
		 */
		private Duration maxReconnectDelay = Duration.ofSeconds(1);

		/**
		 * Whether to check at startup, with a few harmless commands, that Redis can be
		 * reached and logged into and that the connection's ACL user may use keys (and,
		 * where a feature needs them, channels) under the key prefix and the commands
		 * monitoring uses (INFO, SLOWLOG, CONFIG GET).
		 */
		private boolean checkAtStartup = true;

		public boolean isRequireAtStartup() {
			return this.requireAtStartup;
		}

		public void setRequireAtStartup(boolean requireAtStartup) {
			this.requireAtStartup = requireAtStartup;
		}

		public Duration getMaxReconnectDelay() {
			return this.maxReconnectDelay;
		}

		public void setMaxReconnectDelay(Duration maxReconnectDelay) {
			this.maxReconnectDelay = maxReconnectDelay;
		}

		public boolean isCheckAtStartup() {
			return this.checkAtStartup;
		}

		public void setCheckAtStartup(boolean checkAtStartup) {
			this.checkAtStartup = checkAtStartup;
		}

	}

}

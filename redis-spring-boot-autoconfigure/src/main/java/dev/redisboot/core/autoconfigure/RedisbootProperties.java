package dev.redisboot.core.autoconfigure;

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

}

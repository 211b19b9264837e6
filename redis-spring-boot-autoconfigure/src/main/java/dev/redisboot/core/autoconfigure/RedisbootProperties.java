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

	public @Nullable String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(@Nullable String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

}

package dev.redisboot.sample.user;

import java.util.Locale;

/**
 * The subscription plan of a {@link User}, which sets the rate limits of the user's API key
 * ({@code redisboot.rate-limit.rules[api].plans} in {@code application.yml}).
 *
 * @author redisboot
 */
public enum Plan {

	/**
	 * 60 API requests a minute.
	 */
	FREE,

	/**
	 * 600 API requests a minute.
	 */
	PRO;

	/**
	 * The plan's name as the API and the rate-limit rules spell it.
	 * @return {@code free} or {@code pro}
	 */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}

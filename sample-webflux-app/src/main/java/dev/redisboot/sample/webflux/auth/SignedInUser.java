package dev.redisboot.sample.webflux.auth;

/**
 * What a session keeps of its user, as JSON in Redis (the application's package is on the
 * session's allowlist).
 *
 * @param id the user's id
 * @param email the email address
 * @param name the display name
 * @author redisboot
 */
public record SignedInUser(long id, String email, String name) {

	/**
	 * The session attribute.
	 */
	public static final String ATTRIBUTE = "user";

}

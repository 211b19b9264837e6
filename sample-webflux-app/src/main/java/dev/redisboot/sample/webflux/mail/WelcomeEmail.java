package dev.redisboot.sample.webflux.mail;

/**
 * The payload of a {@value #JOB_TYPE} job.
 *
 * @param userId the new user's id
 * @param email the address to write to
 * @param name the user's name
 * @author redisboot
 */
public record WelcomeEmail(long userId, String email, String name) {

	/**
	 * The job type, as {@code @JobHandler} names it.
	 */
	public static final String JOB_TYPE = "welcome-email";

	/**
	 * The idempotency key of a user's welcome mail.
	 * @param userId the user's id
	 * @return {@code welcome-email:<userId>}
	 */
	public static String key(long userId) {
		return JOB_TYPE + ":" + userId;
	}

}

package dev.redisboot.sample.mail;

/**
 * The payload of a {@value #JOB_TYPE} job, written to the jobs stream as JSON.
 *
 * @param userId the new user's id
 * @param email the address to send to
 * @param name the user's name, for the greeting
 * @author redisboot
 */
public record WelcomeEmail(long userId, String email, String name) {

	/**
	 * The job type, as {@code @JobHandler} names it.
	 */
	public static final String JOB_TYPE = "welcome-email";

	/**
	 * The session attribute that holds the id of the welcome-mail job of the account the
	 * browser signed up, for {@code GET /api/me/welcome-mail}.
	 */
	public static final String JOB_ATTRIBUTE = "welcomeMailJob";

	/**
	 * The idempotency key of a user's welcome mail: a job enqueued again with it within
	 * {@code redisboot.jobs.idempotency-ttl} is not added, and a mail recorded under it is
	 * not recorded again.
	 * @param userId the user's id
	 * @return {@code welcome-email:<userId>}
	 */
	public static String key(long userId) {
		return JOB_TYPE + ":" + userId;
	}

}

package dev.redisboot.sample.mail;

/**
 * The payload of a {@value #JOB_TYPE} job: whose mails to export.
 *
 * @param userId the user's id
 * @param email where the export is mailed
 * @author redisboot
 */
public record MailExport(long userId, String email) {

	/**
	 * The job type, as {@code @JobHandler} names it.
	 */
	public static final String JOB_TYPE = "mail-export";

	/**
	 * The unique key of a user's export: while one is queued, scheduled or running, asking
	 * again returns it instead of adding another.
	 * @param userId the user's id
	 * @return {@code mail-export:<userId>}
	 */
	public static String uniqueKey(long userId) {
		return JOB_TYPE + ":" + userId;
	}

}

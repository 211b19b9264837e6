package dev.redisboot.sample.auth;

import java.time.Instant;

import dev.redisboot.sample.mail.WelcomeEmail;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.sample.user.UserView;
import dev.redisboot.stream.JobQueue;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.util.Assert;

/**
 * Creates accounts: a user on the free plan, with a new API key and a password hashed by
 * {@link DemoPasswords}, and a welcome mail sent in the background by a
 * {@value WelcomeEmail#JOB_TYPE} job, so that the sign-up does not wait for a mail server.
 *
 * @author redisboot
 */
@Service
public class SignupService {

	private static final Log logger = LogFactory.getLog(SignupService.class);

	private final UserRepository users;

	private final JobQueue jobs;

	public SignupService(UserRepository users, JobQueue jobs) {
		this.users = users;
		this.jobs = jobs;
	}

	/**
	 * Creates an account and enqueues its welcome mail.
	 * <p>
	 * The job is enqueued after the user is committed, so that it never refers to a user
	 * that a rollback took back; the idempotency key {@code welcome-email:<id>} keeps a
	 * second enqueue (a retried request, say) from adding a second job. If Redis cannot take
	 * the job, the account stays and the sign-up still succeeds, without a welcome mail: a
	 * transactional outbox would close that gap in a real service.
	 * @param email the email address, in lower case
	 * @param name the display name
	 * @param password the password
	 * @return the new user and its welcome-mail job
	 * @throws EmailTakenException when an account has the address already (409)
	 */
	public SignedUp signUp(String email, String name, String password) {
		if (this.users.existsByEmail(email)) {
			throw new EmailTakenException();
		}
		User user;
		try {
			user = this.users.saveAndFlush(
					new User(email, name, Instant.now(), Plan.FREE, User.newApiKey(), DemoPasswords.hash(password)));
		}
		catch (DataIntegrityViolationException ex) {
			if (this.users.existsByEmail(email)) {
				throw new EmailTakenException(); // signed up twice at the same moment
			}
			throw ex;
		}
		Long id = user.getId();
		Assert.state(id != null, "Saved user has no id");
		String job = null;
		try {
			job = this.jobs.enqueue(WelcomeEmail.JOB_TYPE, new WelcomeEmail(id, email, name), WelcomeEmail.key(id));
		}
		catch (DataAccessException ex) {
			logger.warn("User " + id + " signed up, but the welcome mail could not be enqueued: " + ex);
		}
		return new SignedUp(UserView.from(user), job);
	}

}

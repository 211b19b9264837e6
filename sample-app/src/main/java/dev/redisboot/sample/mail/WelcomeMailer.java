package dev.redisboot.sample.mail;

import java.time.Instant;

import dev.redisboot.stream.JobHandler;
import dev.redisboot.stream.StreamDelivery;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Runs {@value WelcomeEmail#JOB_TYPE} jobs, on whichever instance reads them first
 * ({@code redisboot.jobs.concurrency} at a time per instance). Returning acknowledges the job;
 * throwing (the database is down, say) retries it with back-off, and after
 * {@code redisboot.jobs.max-attempts} moves it to the dead-letter stream.
 * <p>
 * Idempotent, because jobs are delivered at least once: a mail already recorded under the
 * job's key is not recorded again, and the unique {@code messageKey} settles two deliveries
 * that run at the same moment.
 *
 * @author redisboot
 */
@Component
class WelcomeMailer {

	private static final Log logger = LogFactory.getLog(WelcomeMailer.class);

	static final String SUBJECT = "Welcome to the redisboot sample";

	private final SentMailRepository mails;

	WelcomeMailer(SentMailRepository mails) {
		this.mails = mails;
	}

	@JobHandler(WelcomeEmail.JOB_TYPE)
	void send(WelcomeEmail email, StreamDelivery delivery) {
		String key = WelcomeEmail.key(email.userId());
		if (this.mails.existsByMessageKey(key)) {
			logger.info("Welcome mail of user " + email.userId() + " was sent already; delivery " + delivery.id()
					+ " (attempt " + delivery.attempt() + ") does nothing");
			return;
		}
		String body = """
				Hello %s,

				welcome to the redisboot sample! Your account is on the free plan.
				Sign in to get your API key.
				""".formatted(email.name());
		try {
			// Demo: a real application hands the mail to an SMTP server or a mail API here
			this.mails.saveAndFlush(new SentMail(key, email.userId(), email.email(), SUBJECT, body, Instant.now(),
					delivery.id()));
		}
		catch (DataIntegrityViolationException ex) {
			if (!this.mails.existsByMessageKey(key)) {
				throw ex; // not a duplicate: let the job be retried
			}
			return; // another delivery of the same job recorded it a moment ago
		}
		logger.info("Demo: welcome mail sent to user " + email.userId() + " (delivery " + delivery.id() + ")");
	}

}

package dev.redisboot.sample.webflux.mail;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.redisboot.stream.JobHandler;

import org.springframework.stereotype.Component;

/**
 * Runs {@value WelcomeEmail#JOB_TYPE} jobs on whichever instance reads them first, on a job
 * thread of redisboot's (not an event loop). "Sending" records the mail in an outbox in memory;
 * idempotent, since jobs are delivered at least once.
 *
 * @author redisboot
 */
@Component
public class WelcomeMailer {

	static final String SUBJECT = "Welcome to the redisboot WebFlux sample";

	private final Map<String, SentMail> outbox = new ConcurrentHashMap<>();

	@JobHandler(WelcomeEmail.JOB_TYPE)
	void send(WelcomeEmail email) {
		String key = WelcomeEmail.key(email.userId());
		this.outbox.putIfAbsent(key, new SentMail(key, email.email(), SUBJECT, Instant.now()));
	}

	/**
	 * The mails sent to an address.
	 * @param to the address
	 * @return the mails
	 */
	public List<SentMail> sentTo(String to) {
		return this.outbox.values().stream().filter((mail) -> mail.to().equals(to)).toList();
	}

}

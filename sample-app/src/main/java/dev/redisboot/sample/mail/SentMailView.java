package dev.redisboot.sample.mail;

import java.time.Instant;

import org.springframework.util.Assert;

/**
 * A sent mail, as {@code GET /api/me/mails} lists it.
 *
 * @param id the id
 * @param recipient the address it was sent to
 * @param subject the subject
 * @param body the text
 * @param sentAt when it was sent
 * @author redisboot
 */
public record SentMailView(long id, String recipient, String subject, String body, Instant sentAt) {

	static SentMailView from(SentMail mail) {
		Long id = mail.getId();
		Assert.state(id != null, "Mail must be saved before it is viewed");
		return new SentMailView(id, mail.getRecipient(), mail.getSubject(), mail.getBody(), mail.getSentAt());
	}

}

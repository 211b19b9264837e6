package dev.redisboot.sample.mail;

import java.time.Instant;
import java.util.List;

import dev.redisboot.stream.JobHandler;
import dev.redisboot.stream.StreamDelivery;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Runs {@value MailExport#JOB_TYPE} jobs: collects the subjects of a user's mails and mails
 * them to the user. A long export checks {@link StreamDelivery#isCancelled()} between mails
 * and stops when the user cancelled it; the job then ends {@code CANCELLED}.
 * <p>
 * Idempotent, as every job handler: the export mail is recorded under the job's id, once,
 * however often the job is delivered.
 *
 * @author redisboot
 */
@Component
class MailExporter {

	private static final Log logger = LogFactory.getLog(MailExporter.class);

	static final String SUBJECT = "Your mail export";

	private final SentMailRepository mails;

	MailExporter(SentMailRepository mails) {
		this.mails = mails;
	}

	@JobHandler(MailExport.JOB_TYPE)
	void export(MailExport export, StreamDelivery delivery) {
		String key = MailExport.JOB_TYPE + ":" + delivery.jobId();
		if (this.mails.existsByMessageKey(key)) {
			return; // an earlier delivery of this job mailed it
		}
		List<SentMail> sent = this.mails.findByUserId(export.userId());
		StringBuilder body = new StringBuilder("Your mails:\n");
		for (SentMail mail : sent) {
			if (delivery.isCancelled()) {
				logger.info("Mail export " + delivery.jobId() + " was cancelled; stopping");
				return;
			}
			body.append("- ").append(mail.getSentAt()).append(' ').append(mail.getSubject()).append('\n');
		}
		try {
			// Demo: a real application would write a file and mail a link
			this.mails.saveAndFlush(new SentMail(key, export.userId(), export.email(), SUBJECT, body.toString(),
					Instant.now(), delivery.id()));
		}
		catch (DataIntegrityViolationException ex) {
			if (!this.mails.existsByMessageKey(key)) {
				throw ex;
			}
		}
	}

}

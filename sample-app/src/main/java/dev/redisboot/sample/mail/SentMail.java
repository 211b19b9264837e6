package dev.redisboot.sample.mail;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * A mail the application "sent" (in this demo: recorded instead of sending it).
 * <p>
 * {@code messageKey} is unique, so that a mail is recorded once however often its job runs:
 * jobs are delivered at least once, and a job that recorded its mail but did not get to
 * acknowledge it (its instance died) runs again. The key names the mail, not the delivery
 * ({@code welcome-email:<userId>}): a retry is a new stream entry with a new id, so the
 * entry id ({@code deliveryId}, kept to tell which delivery recorded the mail) would not
 * catch every second run.
 *
 * @author redisboot
 */
@Entity
@Table(name = "sent_mails", indexes = @Index(name = "ix_sent_mails_user_id", columnList = "userId"))
public class SentMail {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(nullable = false, unique = true, length = 200)
	private String messageKey;

	@Column(nullable = false)
	private long userId;

	@Column(nullable = false, length = 320)
	private String recipient;

	@Column(nullable = false, length = 200)
	private String subject;

	@Column(nullable = false, length = 4000)
	private String body;

	@Column(nullable = false)
	private Instant sentAt;

	@Column(nullable = false, length = 100)
	private String deliveryId;

	/**
	 * Creates a mail that is not saved yet.
	 * @param messageKey what makes this mail unique, such as {@code welcome-email:42}
	 * @param userId the id of the user it was sent to
	 * @param recipient the address it was sent to
	 * @param subject the subject
	 * @param body the text
	 * @param sentAt when it was sent
	 * @param deliveryId the id of the job's stream entry that sent it
	 */
	public SentMail(String messageKey, long userId, String recipient, String subject, String body, Instant sentAt,
			String deliveryId) {
		this.messageKey = messageKey;
		this.userId = userId;
		this.recipient = recipient;
		this.subject = subject;
		this.body = body;
		this.sentAt = sentAt;
		this.deliveryId = deliveryId;
	}

	protected SentMail() {
		// for JPA, which sets the fields
	}

	public @Nullable Long getId() {
		return this.id;
	}

	public String getMessageKey() {
		return this.messageKey;
	}

	public long getUserId() {
		return this.userId;
	}

	public String getRecipient() {
		return this.recipient;
	}

	public String getSubject() {
		return this.subject;
	}

	public String getBody() {
		return this.body;
	}

	public Instant getSentAt() {
		return this.sentAt;
	}

	public String getDeliveryId() {
		return this.deliveryId;
	}

}

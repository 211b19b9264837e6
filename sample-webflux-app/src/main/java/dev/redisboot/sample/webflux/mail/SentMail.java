package dev.redisboot.sample.webflux.mail;

import java.time.Instant;

/**
 * A mail in the outbox.
 *
 * @param key the idempotency key of the job that sent it
 * @param to the recipient
 * @param subject the subject
 * @param sentAt when it was sent
 * @author redisboot
 */
public record SentMail(String key, String to, String subject, Instant sentAt) {

}

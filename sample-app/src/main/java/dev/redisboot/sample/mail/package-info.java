/**
 * Emails, sent by background jobs: signing up enqueues a {@code welcome-email} job (on the
 * redisboot {@code JobQueue}, a Redis stream), which {@code WelcomeMailer} runs on any
 * instance, with retries. In this demo "sending" a mail records it as a {@code SentMail} in
 * the database, once per mail however often its job runs; {@code GET /api/me/mails} lists
 * the signed-in user's mails.
 */
@NullMarked
package dev.redisboot.sample.mail;

import org.jspecify.annotations.NullMarked;

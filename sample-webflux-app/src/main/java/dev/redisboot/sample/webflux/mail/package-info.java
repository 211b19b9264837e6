/**
 * The WebFlux sample's outbox of welcome mails, sent by a background job.
 */
@NullMarked
package dev.redisboot.sample.webflux.mail;

import org.jspecify.annotations.NullMarked;

package dev.redisboot.sample.webflux.notification;

import java.time.Instant;

/**
 * A notification, published as JSON on the pub/sub channel and sent to browsers as a
 * server-sent event.
 *
 * @param id the id
 * @param message the text
 * @param level the level
 * @param time when it was published
 * @author redisboot
 */
public record Notification(String id, String message, String level, Instant time) {

}

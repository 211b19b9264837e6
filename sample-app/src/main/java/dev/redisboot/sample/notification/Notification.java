package dev.redisboot.sample.notification;

import java.time.Instant;

/**
 * A notification, as it is published on {@value NotificationService#CHANNEL} (JSON), pushed to
 * browsers (the {@code data} of a {@code notification} event) and answered to
 * {@code POST /api/notifications}.
 *
 * @param id a random id, also the event's {@code id}
 * @param message the text
 * @param level {@code info}, {@code success}, {@code warning} or {@code error}
 * @param at when it was published
 * @author redisboot
 */
public record Notification(String id, String message, String level, Instant at) {

}

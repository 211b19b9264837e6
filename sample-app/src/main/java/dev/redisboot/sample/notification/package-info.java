/**
 * Live notifications: {@code POST /api/notifications} publishes a notification on the Redis
 * pub/sub channel {@code sample:notifications}; a {@code @RedisListener} on every instance
 * receives it and pushes it to the browsers connected to that instance through
 * {@code GET /api/notifications/stream} (Server-Sent Events). Pub/sub delivers at most once:
 * a browser that is not connected when a notification is published never sees it.
 */
@NullMarked
package dev.redisboot.sample.notification;

import org.jspecify.annotations.NullMarked;

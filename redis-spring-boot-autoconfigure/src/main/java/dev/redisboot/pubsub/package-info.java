/**
 * Redis pub/sub on top of Spring Data Redis's {@code @RedisListener}: JSON payloads with the
 * application's Jackson mapper, the typed {@link dev.redisboot.pubsub.RedisPublisher}, error
 * handling that never ends a subscription, and per-channel message metrics.
 */
@NullMarked
package dev.redisboot.pubsub;

import org.jspecify.annotations.NullMarked;

/**
 * Redis pub/sub on top of Spring Data Redis's {@code @RedisListener}: JSON payloads with the
 * application's Jackson mapper, the typed {@link dev.redisboot.pubsub.RedisPublisher}, error
 * handling that never ends a subscription, and per-channel message metrics.
 * <p>
 * API: the publishers ({@link dev.redisboot.pubsub.RedisPublisher},
 * {@link dev.redisboot.pubsub.ChannelPublisher}); the beans an application may replace
 * ({@link dev.redisboot.pubsub.ListenerErrorHandler}, which also serves a listener container
 * of its own, {@link dev.redisboot.pubsub.JsonPayloadListenerConfigurer},
 * {@link dev.redisboot.pubsub.ListenerFailureConfigurer}); and the
 * {@link dev.redisboot.pubsub.PubSubMetrics} SPI. {@code MicrometerPubSubMetrics} is public
 * for the auto-configuration only.
 */
@NullMarked
package dev.redisboot.pubsub;

import org.jspecify.annotations.NullMarked;

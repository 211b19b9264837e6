/**
 * Auto-configuration of redisboot's pub/sub support ({@code redisboot.pubsub.*}).
 * <p>
 * API: {@link dev.redisboot.pubsub.autoconfigure.RedisbootPubSubProperties}. The
 * auto-configuration validates the properties; the post-processor that gives Boot's listener
 * container redisboot's error handler is package-private.
 */
@NullMarked
package dev.redisboot.pubsub.autoconfigure;

import org.jspecify.annotations.NullMarked;

/**
 * Background work on Redis Streams: {@code @RedisStreamListener} consumers with retries,
 * dead letters and reclaim, and a small job queue on top.
 */
@NullMarked
package dev.redisboot.stream;

import org.jspecify.annotations.NullMarked;

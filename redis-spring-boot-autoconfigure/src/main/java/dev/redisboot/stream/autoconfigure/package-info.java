/**
 * Auto-configuration of Redis Streams consumers and jobs.
 */
@NullMarked
package dev.redisboot.stream.autoconfigure;

import org.jspecify.annotations.NullMarked;

/**
 * Auto-configuration of rate limiting.
 */
@NullMarked
package dev.redisboot.ratelimit.autoconfigure;

import org.jspecify.annotations.NullMarked;

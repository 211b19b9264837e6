/**
 * Rate limiting on Redis with Bucket4j: rules, client keys, the servlet filter, the
 * {@code @RateLimited} annotation and the standard response headers.
 */
@NullMarked
package dev.redisboot.ratelimit;

import org.jspecify.annotations.NullMarked;

/**
 * Rate limiting on Redis: rules, client keys and plans, the Redis buckets (one Lua script,
 * {@code decide.lua}, per decision, on Lettuce's async API), the servlet filter and the
 * WebFlux filter (sharing one stack-neutral core), {@code @RateLimited} (also on methods
 * returning {@code Mono}/{@code Flux}) and the standard response headers.
 * <p>
 * API: {@link dev.redisboot.ratelimit.RateLimited @RateLimited} and
 * {@link dev.redisboot.ratelimit.RateLimitExceededException}; the SPI beans an application
 * provides, {@link dev.redisboot.ratelimit.RatePlanResolver} and
 * {@link dev.redisboot.ratelimit.RateLimitMetrics}; the {@link dev.redisboot.ratelimit.RateLimiter}
 * bean and what it works with ({@link dev.redisboot.ratelimit.RateLimitRule} and its
 * builder, {@link dev.redisboot.ratelimit.Limit},
 * {@link dev.redisboot.ratelimit.ClientKeyResolver},
 * {@link dev.redisboot.ratelimit.RateLimitRequest},
 * {@link dev.redisboot.ratelimit.RateLimitDecision}). The filters, the interceptor, the
 * exception resolver and handler and the Micrometer metrics are public only for the
 * auto-configuration;
 * everything else is package-private.
 * <p>
 * Who a client is, and with which plan, is resolved in one place for both filters and
 * {@code @RateLimited} alike: a client key the {@code RatePlanResolver} does not know counts
 * as no key, and the rule's {@code missing-key} applies.
 */
@NullMarked
package dev.redisboot.ratelimit;

import org.jspecify.annotations.NullMarked;

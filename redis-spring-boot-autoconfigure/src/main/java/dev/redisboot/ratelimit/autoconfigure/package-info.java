/**
 * Auto-configuration of rate limiting: {@code redisboot.rate-limit.*} properties, checked in
 * one place ({@code RateLimitSettingsResolver}), the rules bean, the limiter, the two
 * servlet filters, {@code @RateLimited} and the native-image hints.
 * <p>
 * API: {@link dev.redisboot.ratelimit.autoconfigure.RateLimitRuleCustomizer}, which changes
 * one rule by name, and the properties class. Each filter is replaceable on its own by a bean
 * named {@code redisbootRateLimitFilterBeforeAuthentication} or
 * {@code redisbootRateLimitFilterAfterAuthentication}; the limiter, the metrics and the
 * exception resolver by a bean of their type. Everything else is package-private.
 */
@NullMarked
package dev.redisboot.ratelimit.autoconfigure;

import org.jspecify.annotations.NullMarked;

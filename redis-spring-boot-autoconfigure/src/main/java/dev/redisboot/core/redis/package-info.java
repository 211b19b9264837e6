/**
 * Redis access shared by the features: Lettuce commands bounded by a timeout, scripts run by
 * {@code EVALSHA}, failures classified, and a circuit breaker for outages.
 */
@NullMarked
package dev.redisboot.core.redis;

import org.jspecify.annotations.NullMarked;

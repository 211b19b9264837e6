/**
 * Auto-configuration of redisboot's Redis health indicator, server metrics, command latency
 * timers and {@code redis} Actuator endpoint, under {@code redisboot.observability.*} (the
 * package follows Boot's {@code actuate} name, the prefix says what an operator gets; see
 * {@link dev.redisboot.actuate}).
 * <p>
 * API: {@link dev.redisboot.actuate.autoconfigure.RedisbootObservabilityProperties}. The
 * auto-configuration validates the properties; {@code ObservabilityRuntimeHints} (listed in
 * {@code META-INF/spring/aot.factories}) registers what a native image needs, and
 * {@code HealthStatusOrderEnvironmentPostProcessor} (in {@code META-INF/spring.factories})
 * orders the {@code WARNING} health status.
 */
@NullMarked
package dev.redisboot.actuate.autoconfigure;

import org.jspecify.annotations.NullMarked;

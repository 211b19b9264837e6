/**
 * Auto-configuration of Redis Streams consumers and jobs
 * ({@code redisboot.stream.*}, {@code redisboot.jobs.*}).
 * <p>
 * API: {@link dev.redisboot.stream.autoconfigure.StreamListenerContainerCustomizer} and the
 * properties. {@code StreamSettingsResolver} is the one place that validates the properties;
 * {@code StreamRuntimeHints} (listed in {@code META-INF/spring/aot.factories}) registers what
 * a native image needs.
 */
@NullMarked
package dev.redisboot.stream.autoconfigure;

import org.jspecify.annotations.NullMarked;

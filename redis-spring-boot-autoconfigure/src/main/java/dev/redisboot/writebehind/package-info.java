/**
 * Write-behind caching: a value is put in the cache at once and written to the database
 * later by a job on the jobs stream, coalesced and ordered per key (see
 * docs/caching.md, "Write-behind").
 * <p>
 * API: {@link dev.redisboot.writebehind.WriteBehindRegistry} (inject it and
 * {@code register} a name with its {@link dev.redisboot.writebehind.WriteBehindWriter}),
 * {@link dev.redisboot.writebehind.WriteBehind} (what {@code register} returns: call
 * {@code write}), {@link dev.redisboot.writebehind.WriteBehindException} and
 * {@link dev.redisboot.writebehind.WriteBehindMetrics}. {@code MicrometerWriteBehindMetrics}
 * is public for the auto-configuration only. The Lua scripts sit beside the classes in
 * {@code src/main/resources}.
 * <p>
 * Like {@code dev.redisboot.schedule}, this package is built on another feature's API: it
 * enqueues and runs jobs through {@code dev.redisboot.stream}'s {@code JobQueue},
 * {@code JobHandler} and {@code StreamDelivery}, and puts values through Spring's
 * {@code Cache} abstraction (never {@code dev.redisboot.cache} itself);
 * {@code ArchitectureTests} allows exactly that.
 */
@NullMarked
package dev.redisboot.writebehind;

import org.jspecify.annotations.NullMarked;

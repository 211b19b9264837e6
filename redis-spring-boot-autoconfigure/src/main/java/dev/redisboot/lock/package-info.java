/**
 * Distributed locks on Redis and {@code @Scheduled} methods that run once across instances.
 * <p>
 * API: {@link dev.redisboot.lock.DistributedLocks} (inject it: try-acquire, acquire with a
 * wait, run with a watchdog), {@link dev.redisboot.lock.LockLease} (a held lock, its fencing
 * token, release), the {@link dev.redisboot.lock.ScheduledOnce @ScheduledOnce} annotation,
 * and {@link dev.redisboot.lock.LockMetrics} to replace the metrics.
 * {@code MicrometerLockMetrics} and {@code ScheduledOnceInterceptor} are public for the
 * auto-configuration only. Everything else is package-private. The Lua scripts sit beside
 * the classes in {@code src/main/resources}.
 */
@NullMarked
package dev.redisboot.lock;

import org.jspecify.annotations.NullMarked;

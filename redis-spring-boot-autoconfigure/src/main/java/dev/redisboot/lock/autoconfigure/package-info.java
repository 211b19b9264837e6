/**
 * Auto-configuration of distributed locks and {@code @ScheduledOnce}: the
 * {@code redisboot.lock.*} properties, validated in {@code LockSettingsResolver}, and the
 * native-image hints for the lock scripts.
 */
@NullMarked
package dev.redisboot.lock.autoconfigure;

import org.jspecify.annotations.NullMarked;

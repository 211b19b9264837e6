/**
 * Auto-configuration of redisboot's HTTP sessions: redisboot's repository by default, or
 * Spring Session's indexed repository with redisboot's JSON. API: the auto-configuration and
 * {@link dev.redisboot.session.autoconfigure.RedisbootSessionProperties}; everything else
 * here is package-private. Properties are validated in one place, the
 * {@code SessionSettingsResolver}; native-image hints are in {@code SessionRuntimeHints}.
 */
@NullMarked
package dev.redisboot.session.autoconfigure;

import org.jspecify.annotations.NullMarked;

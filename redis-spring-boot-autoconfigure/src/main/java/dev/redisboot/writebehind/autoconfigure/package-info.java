/**
 * Auto-configuration of write-behind caching: the {@code WriteBehindRegistry} (its job
 * handler runs the database writes), the {@code redisboot.writebehind.*} metrics, the
 * {@code redisboot.write-behind.*} properties and the native-image hints for the scripts.
 */
@NullMarked
package dev.redisboot.writebehind.autoconfigure;

import org.jspecify.annotations.NullMarked;

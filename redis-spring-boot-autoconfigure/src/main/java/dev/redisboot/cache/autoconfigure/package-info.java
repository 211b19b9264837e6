/**
 * Auto-configuration for redisboot's Redis caches.
 */
@NullMarked
package dev.redisboot.cache.autoconfigure;

import org.jspecify.annotations.NullMarked;

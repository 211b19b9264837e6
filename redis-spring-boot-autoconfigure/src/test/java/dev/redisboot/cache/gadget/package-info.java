/**
 * Types outside the cache allowlist, for tests.
 */
@NullMarked
package dev.redisboot.cache.gadget;

import org.jspecify.annotations.NullMarked;

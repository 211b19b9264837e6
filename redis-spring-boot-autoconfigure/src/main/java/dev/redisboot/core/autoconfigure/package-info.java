/**
 * Auto-configuration for the building blocks that every redisboot feature shares.
 */
@NullMarked
package dev.redisboot.core.autoconfigure;

import org.jspecify.annotations.NullMarked;

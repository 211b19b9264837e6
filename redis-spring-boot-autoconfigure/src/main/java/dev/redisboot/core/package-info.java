/**
 * Building blocks that several redisboot features share, such as Redis key naming and
 * configuration errors.
 */
@NullMarked
package dev.redisboot.core;

import org.jspecify.annotations.NullMarked;

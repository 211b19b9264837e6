/**
 * The binary envelope in which redisboot stores values in Redis: a short header followed
 * by the payload, optionally compressed and optionally encrypted with AES-GCM. See
 * {@link dev.redisboot.core.codec.ValueEnvelope} for the byte layout.
 */
@NullMarked
package dev.redisboot.core.codec;

import org.jspecify.annotations.NullMarked;

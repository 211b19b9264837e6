/**
 * The binary envelope in which redisboot stores values in Redis: a short header followed
 * by the payload, optionally compressed and optionally encrypted with AES-GCM. See
 * {@link dev.redisboot.core.codec.ValueEnvelope} for the byte layout.
 * <p>
 * API: {@link dev.redisboot.core.codec.ValueEnvelope} (the entry point, immutable),
 * {@link dev.redisboot.core.codec.EnvelopeHeader}, {@link dev.redisboot.core.codec.CompressionCodec},
 * {@link dev.redisboot.core.codec.EncryptionKeyRing} and
 * {@link dev.redisboot.core.codec.ValueDecodingException}. The envelope delegates to
 * package-private parts: {@code EnvelopeEncoder} (the encode side),
 * {@code EnvelopeDecoder} (the decode side, following the header that
 * {@code EnvelopeHeader} parses), {@code EnvelopeCipher} (the AES-GCM step) and the
 * {@code Compressor}s.
 */
@NullMarked
package dev.redisboot.core.codec;

import org.jspecify.annotations.NullMarked;

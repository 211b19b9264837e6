package dev.redisboot.core.codec;

import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The binary envelope in which redisboot stores a value in Redis: a short header that
 * says what was done to the payload, then the payload itself, compressed if it is larger
 * than a threshold and encrypted with AES-GCM if a key ring is configured. Readers follow
 * the header, not their own settings, so compression and encryption can be switched on
 * or off, and keys rotated, without flushing Redis.
 *
 * <h2>Byte layout (format version 1)</h2>
 * <pre>
 * bytes  field
 * 1      magic 0xC1, a byte that never occurs in UTF-8 and so never starts JSON text
 * 1      format version, 1
 * 1      flags: bit 0 compressed, bit 1 encrypted, bits 2-6 reserved (0),
 *        bit 7 parity (every valid flags byte has an even number of set bits)
 * if compressed:
 * 1      codec id (1 = zstd)
 * 4      uncompressed length, big-endian, at most the reader's maximum decoded size
 * 4      CRC32C of the uncompressed payload, big-endian; only if not encrypted
 * if encrypted:
 * 1      key id length n, 1 to 32
 * n      key id, ASCII [A-Za-z0-9._-]
 * 12     AES-GCM IV (nonce), random for every value
 * then the body:
 *        the payload, compressed if flagged; if encrypted, its AES-GCM ciphertext
 *        followed by the 16-byte tag, with the header bytes followed by the caller's
 *        associated data as GCM associated data
 * </pre>
 * So a plain value costs 3 bytes more than its payload, a compressed one 12 bytes more
 * than its compressed body, and encryption adds 32 bytes plus the length of the key id
 * (IV and tag included), 37 plus the key id when also compressed.
 *
 * <h2>Values without the magic byte</h2>
 * A stored value that does not start with {@code 0xC1}, including an empty one, was
 * written before redisboot used this envelope or by another writer, and is returned
 * unchanged as a plain payload. JSON text, which starts with a brace, a bracket, a quote,
 * a digit, a letter or whitespace (or a UTF-8 byte order mark), never starts with
 * {@code 0xC1}, and neither does Java serialization ({@code 0xAC}). Once only encrypted
 * values should be accepted, turn this off with {@link #withEncryptionRequired(boolean)}.
 *
 * <h2>Integrity</h2>
 * Encrypted values are authenticated: any change to the header or body, and a value
 * copied under another Redis key (when the key is passed as associated data), is
 * rejected. Compressed values that are not encrypted carry a CRC32C, so corruption is
 * detected (not authenticated). Plain values carry no check: a corrupted plain body
 * decodes to different bytes, which the layer above (a JSON parser) has to reject.
 * Because a value without the magic byte is a legacy value, a corrupted magic byte turns
 * any value into a legacy value of different bytes, unless encryption is required.
 *
 * <h2>Errors</h2>
 * {@link #decode(byte[], byte[])} throws {@link ValueDecodingException}, and nothing
 * else, for any value it cannot decode. Nothing is allocated for a compressed body before
 * its recorded length has been checked against the maximum decoded size.
 *
 * <h2>Security notes</h2>
 * Compression before encryption makes the stored length depend on the content: an
 * attacker who can place chosen text next to a secret in the same value and observe the
 * stored length may learn about the secret (as with CRIME and BREACH). Disable compression
 * for caches where that matters.
 * <p>
 * Random 96-bit IVs make a repeated IV unlikely but not impossible: NIST SP 800-38D
 * limits one key to 2<sup>32</sup> encryptions with random IVs, which at 1,000 writes a
 * second is about 50 days. Rotate the key before that many values are written with it.
 * <p>
 * Instances are immutable and thread-safe; the {@code with} methods return new instances.
 *
 * @author redisboot
 */
public final class ValueEnvelope {

	/**
	 * Default maximum size of a decoded payload: 64 MiB.
	 */
	public static final int DEFAULT_MAX_DECODED_SIZE = 64 * 1024 * 1024;

	/**
	 * Default size above which payloads are compressed when compression is enabled: 1 KiB.
	 */
	public static final int DEFAULT_COMPRESS_ABOVE = 1024;

	private static final ValueEnvelope DEFAULTS = new ValueEnvelope(CompressionCodec.NONE, DEFAULT_COMPRESS_ABOVE,
			null, false, false, DEFAULT_MAX_DECODED_SIZE);

	private final CompressionCodec compressionCodec;

	private final int compressAbove;

	private final @Nullable EncryptionKeyRing keyRing;

	private final boolean encryptWrites;

	private final boolean encryptionRequired;

	private final int maxDecodedSize;

	private final EnvelopeEncoder encoder;

	private final EnvelopeDecoder decoder;

	private ValueEnvelope(CompressionCodec compressionCodec, int compressAbove, @Nullable EncryptionKeyRing keyRing,
			boolean encryptWrites, boolean encryptionRequired, int maxDecodedSize) {
		this.compressionCodec = compressionCodec;
		this.compressAbove = compressAbove;
		this.keyRing = keyRing;
		this.encryptWrites = encryptWrites && keyRing != null;
		this.encryptionRequired = encryptionRequired;
		this.maxDecodedSize = maxDecodedSize;
		this.encoder = new EnvelopeEncoder(compressionCodec, compressAbove, this.encryptWrites ? keyRing : null);
		this.decoder = new EnvelopeDecoder(keyRing, encryptionRequired, maxDecodedSize);
	}

	/**
	 * Return an envelope that neither compresses nor encrypts, accepts values up to
	 * {@link #DEFAULT_MAX_DECODED_SIZE}, and reads every value that other envelopes wrote
	 * as long as it needs no key.
	 * @return the default envelope
	 */
	public static ValueEnvelope defaults() {
		return DEFAULTS;
	}

	/**
	 * Return a copy that compresses payloads larger than {@code compressAbove} bytes with
	 * the given codec. A payload is stored compressed only if that makes it smaller.
	 * @param codec the codec, {@link CompressionCodec#NONE} to write uncompressed values
	 * (compressed values are still read)
	 * @param compressAbove the payload size in bytes above which to compress, at least 0
	 * @return the new envelope
	 * @throws IllegalArgumentException if {@code compressAbove} is negative
	 * @throws IllegalStateException if the codec's library is missing or does not load on
	 * this platform
	 */
	public ValueEnvelope withCompression(CompressionCodec codec, int compressAbove) {
		Objects.requireNonNull(codec, "'codec' must not be null");
		if (compressAbove < 0) {
			throw new IllegalArgumentException("Compression threshold must not be negative, was " + compressAbove);
		}
		codec.checkAvailable();
		return new ValueEnvelope(codec, compressAbove, this.keyRing, this.encryptWrites, this.encryptionRequired,
				this.maxDecodedSize);
	}

	/**
	 * Return a copy that encrypts every value it writes with the active key of the given
	 * key ring, and decrypts values encrypted with any of its keys.
	 * @param keyRing the keys, or {@code null} to write unencrypted values (encrypted values
	 * then cannot be read)
	 * @return the new envelope
	 * @throws IllegalStateException if {@code keyRing} is {@code null} and encryption is
	 * {@linkplain #withEncryptionRequired(boolean) required}
	 */
	public ValueEnvelope withEncryption(@Nullable EncryptionKeyRing keyRing) {
		checkEncryptionRequirement(keyRing, this.encryptionRequired);
		return new ValueEnvelope(this.compressionCodec, this.compressAbove, keyRing, true, this.encryptionRequired,
				this.maxDecodedSize);
	}

	/**
	 * Return a copy that writes unencrypted values but can still read values encrypted with
	 * any key of the given key ring: for stores that are not encrypted (any more) while
	 * others that share the keys are.
	 * @param keyRing the keys for reading, or {@code null}
	 * @return the new envelope
	 * @throws IllegalStateException if encryption is
	 * {@linkplain #withEncryptionRequired(boolean) required}
	 */
	public ValueEnvelope withDecryptionOnly(@Nullable EncryptionKeyRing keyRing) {
		if (this.encryptionRequired) {
			throw new IllegalStateException("Encryption is required, so values cannot be written unencrypted");
		}
		return new ValueEnvelope(this.compressionCodec, this.compressAbove, keyRing, false, false,
				this.maxDecodedSize);
	}

	/**
	 * Return a copy that, if {@code required}, rejects every value that is not encrypted,
	 * legacy values without a header included. Turn it on when all values in Redis have
	 * been written encrypted; it stops a party that can write to Redis but has no key from
	 * planting values. Call {@link #withEncryption(EncryptionKeyRing)} first.
	 * @param required whether to accept encrypted values only
	 * @return the new envelope
	 * @throws IllegalStateException if {@code required} and no key ring is configured
	 */
	public ValueEnvelope withEncryptionRequired(boolean required) {
		checkEncryptionRequirement(this.keyRing, required);
		if (required && !this.encryptWrites) {
			throw new IllegalStateException("Encryption cannot be required when values are written unencrypted");
		}
		return new ValueEnvelope(this.compressionCodec, this.compressAbove, this.keyRing, this.encryptWrites, required,
				this.maxDecodedSize);
	}

	/**
	 * Return a copy that writes and reads payloads of at most {@code maxDecodedSize} bytes.
	 * Protects readers against decompression bombs: the uncompressed length in the header
	 * is checked before anything is allocated for it.
	 * @param maxDecodedSize the largest payload in bytes, at least 1
	 * @return the new envelope
	 * @throws IllegalArgumentException if {@code maxDecodedSize} is less than 1
	 */
	public ValueEnvelope withMaxDecodedSize(int maxDecodedSize) {
		if (maxDecodedSize < 1) {
			throw new IllegalArgumentException("Maximum decoded size must be at least 1 byte, was " + maxDecodedSize);
		}
		return new ValueEnvelope(this.compressionCodec, this.compressAbove, this.keyRing, this.encryptWrites,
				this.encryptionRequired, maxDecodedSize);
	}

	/**
	 * Return the codec that new values are compressed with.
	 * @return the codec, {@link CompressionCodec#NONE} if new values are not compressed
	 */
	public CompressionCodec getCompressionCodec() {
		return this.compressionCodec;
	}

	/**
	 * Return the payload size in bytes above which new values are compressed.
	 * @return the threshold
	 */
	public int getCompressAbove() {
		return this.compressAbove;
	}

	/**
	 * Return the keys that values are encrypted and decrypted with.
	 * @return the key ring, or {@code null} if encryption is not configured
	 */
	public @Nullable EncryptionKeyRing getKeyRing() {
		return this.keyRing;
	}

	/**
	 * Return whether written values are encrypted.
	 * @return whether writes are encrypted
	 */
	public boolean isEncryptingWrites() {
		return this.encryptWrites;
	}

	/**
	 * Return whether only encrypted values are accepted.
	 * @return whether encryption is required
	 */
	public boolean isEncryptionRequired() {
		return this.encryptionRequired;
	}

	/**
	 * Return the largest payload in bytes that is written or read.
	 * @return the maximum decoded size
	 */
	public int getMaxDecodedSize() {
		return this.maxDecodedSize;
	}

	/**
	 * Encode a payload for storage. Without compression and encryption this costs one
	 * array copy.
	 * @param payload the bytes to store, for example JSON
	 * @param associatedData context that an encrypted value is bound to, typically the
	 * Redis key: decoding with other associated data fails. An empty array for none.
	 * Ignored for values that are not encrypted.
	 * @return the bytes to store in Redis
	 * @throws IllegalArgumentException if the payload is larger than the
	 * {@linkplain #getMaxDecodedSize() maximum decoded size}
	 */
	public byte[] encode(byte[] payload, byte[] associatedData) {
		Objects.requireNonNull(payload, "'payload' must not be null");
		Objects.requireNonNull(associatedData, "'associatedData' must not be null");
		if (payload.length > this.maxDecodedSize) {
			throw new IllegalArgumentException("Payload of " + payload.length
					+ " bytes is larger than the maximum decoded size of " + this.maxDecodedSize + " bytes");
		}
		return this.encoder.encode(payload, associatedData);
	}

	/**
	 * Decode a stored value. Values without the envelope's magic byte are returned as they
	 * are (see the class description).
	 * @param stored the bytes read from Redis
	 * @param associatedData the context the value was encrypted with, typically the Redis
	 * key; an empty array for none. Ignored for values that are not encrypted.
	 * @return the payload; for a value without envelope, {@code stored} itself
	 * @throws ValueDecodingException if the value cannot be decoded; the message says
	 * why and never contains key material or payload bytes
	 */
	public byte[] decode(byte[] stored, byte[] associatedData) {
		Objects.requireNonNull(stored, "'stored' must not be null");
		Objects.requireNonNull(associatedData, "'associatedData' must not be null");
		return this.decoder.decode(stored, associatedData);
	}

	/**
	 * Return whether a stored value starts with this envelope's magic byte. Values that do
	 * not are legacy values and decode to themselves.
	 * @param stored the bytes read from Redis
	 * @return whether the value has an envelope header
	 */
	public static boolean isEnvelope(byte[] stored) {
		return EnvelopeHeader.hasMagic(stored);
	}

	/**
	 * Read the header of a stored value without decoding its body, for example to find
	 * values still encrypted with a key that is about to be retired.
	 * @param stored the bytes read from Redis
	 * @return the header, or an empty {@link Optional} for a value without envelope
	 * @throws ValueDecodingException if the header is truncated or invalid
	 */
	public static Optional<EnvelopeHeader> readHeader(byte[] stored) {
		Objects.requireNonNull(stored, "'stored' must not be null");
		return EnvelopeHeader.hasMagic(stored) ? Optional.of(EnvelopeHeader.parse(stored, Integer.MAX_VALUE))
				: Optional.empty();
	}

	private static void checkEncryptionRequirement(@Nullable EncryptionKeyRing keyRing, boolean required) {
		if (required && keyRing == null) {
			throw new IllegalStateException("Encryption cannot be required without an encryption key ring");
		}
	}

	@Override
	public String toString() {
		String compression = (this.compressionCodec != CompressionCodec.NONE)
				? this.compressionCodec + " above " + this.compressAbove + " bytes" : "NONE";
		String encryption = (this.keyRing != null) ? "key '" + this.keyRing.getActiveKeyId() + "' of "
				+ this.keyRing.getKeyIds() + (this.encryptionRequired ? ", required" : "") : "none";
		return "ValueEnvelope[compression=" + compression + ", encryption=" + encryption + ", maxDecodedSize="
				+ this.maxDecodedSize + "]";
	}

}

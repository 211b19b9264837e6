package dev.redisboot.core.codec;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The encode side of a {@link ValueEnvelope}: writes the header and the body, compressed
 * when that makes the value smaller, encrypted when a key ring is given for writes.
 *
 * @author redisboot
 */
final class EnvelopeEncoder {

	private final CompressionCodec compressionCodec;

	private final int compressAbove;

	private final @Nullable EncryptionKeyRing writeKeyRing;

	private final @Nullable SecureRandom ivSource;

	/**
	 * Create an encoder.
	 * @param compressionCodec the codec, {@link CompressionCodec#NONE} for none
	 * @param compressAbove the payload size above which to compress
	 * @param writeKeyRing the keys to encrypt with, {@code null} to write unencrypted
	 */
	EnvelopeEncoder(CompressionCodec compressionCodec, int compressAbove, @Nullable EncryptionKeyRing writeKeyRing) {
		this.compressionCodec = compressionCodec;
		this.compressAbove = compressAbove;
		this.writeKeyRing = writeKeyRing;
		this.ivSource = (writeKeyRing != null) ? seededRandom() : null;
	}

	/**
	 * A DRBG seeded now, when the encoder is created: it then reads no entropy file per
	 * value, as the default {@code SecureRandom} does when its buffer runs dry, which on a
	 * reactive application's event loop is a blocking call. GCM nonces need to be unique,
	 * which its 96 random bits are.
	 */
	private static SecureRandom seededRandom() {
		try {
			SecureRandom random = SecureRandom.getInstance("DRBG");
			random.nextBytes(new byte[EnvelopeHeader.IV_LENGTH]);
			return random;
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("No DRBG SecureRandom", ex);
		}
	}

	byte[] encode(byte[] payload, byte[] associatedData) {
		boolean compress = this.compressionCodec != CompressionCodec.NONE && payload.length > this.compressAbove;
		EncryptionKeyRing keyRing = this.writeKeyRing;
		if (keyRing != null) {
			return encrypt(payload, associatedData, compress, keyRing);
		}
		if (compress) {
			byte[] compressed = compress(payload);
			if (compressed != null) {
				return compressed;
			}
		}
		byte[] stored = new byte[EnvelopeHeader.FIXED_LENGTH + payload.length];
		writeFixedHeader(stored, 0);
		System.arraycopy(payload, 0, stored, EnvelopeHeader.FIXED_LENGTH, payload.length);
		return stored;
	}

	/**
	 * Compress an unencrypted value.
	 * @return the stored value, or {@code null} if compression would not make it smaller
	 */
	private byte @Nullable [] compress(byte[] payload) {
		Compressor compressor = this.compressionCodec.compressor();
		int headerLength = EnvelopeHeader.length(true, false, 0);
		byte[] buffer = new byte[headerLength + compressor.maxCompressedLength(payload.length)];
		int compressedLength = compressor.compress(payload, buffer, headerLength);
		if (headerLength + compressedLength >= EnvelopeHeader.FIXED_LENGTH + payload.length) {
			return null;
		}
		int position = writeFixedHeader(buffer, EnvelopeHeader.FLAG_COMPRESSED);
		position = writeCompressionFields(buffer, position, payload.length);
		EnvelopeHeader.writeInt(buffer, position, EnvelopeHeader.crc32c(payload));
		return Arrays.copyOf(buffer, headerLength + compressedLength);
	}

	private byte[] encrypt(byte[] payload, byte[] associatedData, boolean compress, EncryptionKeyRing keyRing) {
		byte[] body = payload;
		int bodyLength = payload.length;
		boolean compressed = false;
		if (compress) {
			Compressor compressor = this.compressionCodec.compressor();
			byte[] buffer = new byte[compressor.maxCompressedLength(payload.length)];
			int compressedLength = compressor.compress(payload, buffer, 0);
			if (compressedLength + EnvelopeHeader.COMPRESSION_FIELDS_LENGTH < payload.length) {
				body = buffer;
				bodyLength = compressedLength;
				compressed = true;
			}
		}
		byte[] keyId = keyRing.activeKeyIdBytes();
		int headerLength = EnvelopeHeader.length(compressed, true, keyId.length);
		byte[] stored = new byte[headerLength + bodyLength + EnvelopeHeader.TAG_LENGTH];
		int position = writeFixedHeader(stored,
				EnvelopeHeader.FLAG_ENCRYPTED | (compressed ? EnvelopeHeader.FLAG_COMPRESSED : 0));
		if (compressed) {
			position = writeCompressionFields(stored, position, payload.length);
		}
		stored[position++] = (byte) keyId.length;
		System.arraycopy(keyId, 0, stored, position, keyId.length);
		position += keyId.length;
		byte[] iv = new byte[EnvelopeHeader.IV_LENGTH];
		Objects.requireNonNull(this.ivSource).nextBytes(iv);
		System.arraycopy(iv, 0, stored, position, iv.length);
		EnvelopeCipher.seal(keyRing.activeKey(), keyRing.getActiveKeyId(), iv, stored, headerLength, associatedData,
				body, bodyLength);
		return stored;
	}

	private static int writeFixedHeader(byte[] target, int flagBits) {
		target[0] = EnvelopeHeader.MAGIC;
		target[1] = EnvelopeHeader.VERSION;
		target[2] = EnvelopeHeader.flags(flagBits);
		return EnvelopeHeader.FIXED_LENGTH;
	}

	private int writeCompressionFields(byte[] target, int position, int uncompressedLength) {
		target[position] = (byte) this.compressionCodec.id();
		EnvelopeHeader.writeInt(target, position + 1, uncompressedLength);
		return position + EnvelopeHeader.COMPRESSION_FIELDS_LENGTH;
	}

}

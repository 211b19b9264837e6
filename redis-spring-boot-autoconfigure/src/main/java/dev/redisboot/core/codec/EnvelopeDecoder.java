package dev.redisboot.core.codec;

import java.util.Arrays;
import java.util.Objects;

import javax.crypto.SecretKey;

import dev.redisboot.core.codec.ValueDecodingException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * The decode side of a {@link ValueEnvelope}: follows the stored value's header (parsed
 * by {@link EnvelopeHeader}), not the writer's settings, and throws
 * {@link ValueDecodingException} for anything it cannot decode.
 *
 * @author redisboot
 */
final class EnvelopeDecoder {

	private final @Nullable EncryptionKeyRing keyRing;

	private final boolean encryptionRequired;

	private final int maxDecodedSize;

	/**
	 * Create a decoder.
	 * @param keyRing the keys to decrypt with, {@code null} if encryption is not configured
	 * @param encryptionRequired whether values that are not encrypted are rejected
	 * @param maxDecodedSize the largest payload accepted
	 */
	EnvelopeDecoder(@Nullable EncryptionKeyRing keyRing, boolean encryptionRequired, int maxDecodedSize) {
		this.keyRing = keyRing;
		this.encryptionRequired = encryptionRequired;
		this.maxDecodedSize = maxDecodedSize;
	}

	byte[] decode(byte[] stored, byte[] associatedData) {
		if (!EnvelopeHeader.hasMagic(stored)) {
			if (this.encryptionRequired) {
				throw encryptionRequired("has no redisboot header");
			}
			checkDecodedSize(stored.length);
			return stored;
		}
		EnvelopeHeader header = EnvelopeHeader.parse(stored, this.maxDecodedSize);
		if (header.isEncrypted()) {
			byte[] body = decrypt(stored, header, associatedData);
			return header.isCompressed() ? decompress(header, body, 0, body.length) : body;
		}
		if (this.encryptionRequired) {
			throw encryptionRequired("is not encrypted");
		}
		int bodyLength = stored.length - header.getLength();
		if (header.isCompressed()) {
			byte[] payload = decompress(header, stored, header.getLength(), bodyLength);
			if (EnvelopeHeader.crc32c(payload) != header.checksum()) {
				throw new ValueDecodingException(Reason.CORRUPT_BODY,
						"Value's CRC32C does not match its decompressed payload");
			}
			return payload;
		}
		checkDecodedSize(bodyLength);
		return Arrays.copyOfRange(stored, header.getLength(), stored.length);
	}

	private byte[] decrypt(byte[] stored, EnvelopeHeader header, byte[] associatedData) {
		String keyId = Objects.requireNonNull(header.getKeyId());
		EncryptionKeyRing keyRing = this.keyRing;
		if (keyRing == null) {
			throw new ValueDecodingException(Reason.ENCRYPTION_NOT_CONFIGURED,
					"Value is encrypted with key id '" + keyId + "' but encryption is not configured");
		}
		SecretKey key = keyRing.key(keyId);
		if (key == null) {
			throw new ValueDecodingException(Reason.UNKNOWN_KEY, "Value is encrypted with key id '" + keyId
					+ "', which is not in the key ring " + keyRing.getKeyIds() + "; add that key to read it");
		}
		if (!header.isCompressed()) {
			checkDecodedSize(stored.length - header.getLength() - EnvelopeHeader.TAG_LENGTH);
		}
		return EnvelopeCipher.open(key, keyId, stored, header, associatedData);
	}

	private byte[] decompress(EnvelopeHeader header, byte[] source, int offset, int length) {
		CompressionCodec codec = header.getCompressionCodec();
		// The length was checked against the maximum when the header was parsed
		byte[] payload = new byte[header.getUncompressedLength()];
		try {
			codec.compressor().decompress(source, offset, length, payload);
			return payload;
		}
		catch (LinkageError ex) {
			throw new ValueDecodingException(Reason.UNSUPPORTED_CODEC, "Value is compressed with " + codec
					+ " but " + codec.library() + " is missing or its native library does not load here", ex);
		}
		catch (RuntimeException ex) {
			throw new ValueDecodingException(Reason.CORRUPT_BODY,
					"Value's " + codec + " compressed body is corrupt: " + ex.getMessage(), ex);
		}
	}

	private void checkDecodedSize(int size) {
		if (size > this.maxDecodedSize) {
			throw new ValueDecodingException(Reason.TOO_LARGE, "Value has a payload of " + size
					+ " bytes, more than the maximum of " + this.maxDecodedSize);
		}
	}

	private static ValueDecodingException encryptionRequired(String what) {
		return new ValueDecodingException(Reason.ENCRYPTION_REQUIRED,
				"Value " + what + " but encryption is required");
	}

}

package dev.redisboot.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import dev.redisboot.core.codec.ValueDecodingException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * The parsed header of a value written by a {@link ValueEnvelope}: what was done to the
 * payload and, for encrypted values, under which key id. Useful to find values that are
 * still encrypted with a key about to be retired. See {@link ValueEnvelope} for the byte
 * layout, which this class owns.
 *
 * @author redisboot
 * @see ValueEnvelope#readHeader(byte[])
 */
public final class EnvelopeHeader {

	static final byte MAGIC = (byte) 0xC1;

	static final int VERSION = 1;

	static final int FLAG_COMPRESSED = 0x01;

	static final int FLAG_ENCRYPTED = 0x02;

	static final int FLAG_PARITY = 0x80;

	// Bits 2 to 6 are reserved; a reader of this version rejects them
	private static final int FLAG_RESERVED = 0x7C;

	/**
	 * Magic, version and flags.
	 */
	static final int FIXED_LENGTH = 3;

	/**
	 * Codec id and uncompressed length.
	 */
	static final int COMPRESSION_FIELDS_LENGTH = 5;

	/**
	 * CRC32C of the uncompressed payload, only in compressed values that are not encrypted.
	 */
	static final int CHECKSUM_LENGTH = 4;

	static final int IV_LENGTH = 12;

	static final int TAG_LENGTH = 16;

	private final int flags;

	private final @Nullable CompressionCodec codec;

	private final int uncompressedLength;

	private final int checksum;

	private final @Nullable String keyId;

	private final int ivOffset;

	private final int length;

	private EnvelopeHeader(int flags, @Nullable CompressionCodec codec, int uncompressedLength, int checksum,
			@Nullable String keyId, int ivOffset, int length) {
		this.flags = flags;
		this.codec = codec;
		this.uncompressedLength = uncompressedLength;
		this.checksum = checksum;
		this.keyId = keyId;
		this.ivOffset = ivOffset;
		this.length = length;
	}

	/**
	 * Return the format version of the value.
	 * @return the version
	 */
	public int getVersion() {
		return VERSION;
	}

	/**
	 * Return whether the payload is compressed.
	 * @return whether the payload is compressed
	 */
	public boolean isCompressed() {
		return (this.flags & FLAG_COMPRESSED) != 0;
	}

	/**
	 * Return the codec the payload is compressed with.
	 * @return the codec, {@link CompressionCodec#NONE} if not compressed
	 */
	public CompressionCodec getCompressionCodec() {
		return (this.codec != null) ? this.codec : CompressionCodec.NONE;
	}

	/**
	 * Return the length of the payload before compression as recorded in the header.
	 * @return the uncompressed length, or {@code -1} if the payload is not compressed
	 */
	public int getUncompressedLength() {
		return isCompressed() ? this.uncompressedLength : -1;
	}

	/**
	 * Return whether the payload is encrypted.
	 * @return whether the payload is encrypted
	 */
	public boolean isEncrypted() {
		return (this.flags & FLAG_ENCRYPTED) != 0;
	}

	/**
	 * Return the id of the key the payload is encrypted with.
	 * @return the key id, or {@code null} if the payload is not encrypted
	 */
	public @Nullable String getKeyId() {
		return this.keyId;
	}

	/**
	 * Return the length of the header in bytes: where the body starts.
	 * @return the header length
	 */
	public int getLength() {
		return this.length;
	}

	int checksum() {
		return this.checksum;
	}

	int ivOffset() {
		return this.ivOffset;
	}

	@Override
	public String toString() {
		return "EnvelopeHeader[version=" + VERSION + ", compression=" + getCompressionCodec() + ", keyId="
				+ ((this.keyId != null) ? this.keyId : "<none>") + ", length=" + this.length + "]";
	}

	static boolean hasMagic(byte[] stored) {
		return stored.length > 0 && stored[0] == MAGIC;
	}

	/**
	 * Return the flags byte for the given flag bits, with the parity bit that makes the
	 * number of set bits even. A single flipped bit then never turns a compressed or
	 * encrypted value into a plain one.
	 */
	static byte flags(int bits) {
		return (byte) (((Integer.bitCount(bits) & 1) != 0) ? (bits | FLAG_PARITY) : bits);
	}

	/**
	 * Return the header length for the given flags and key id length.
	 */
	static int length(boolean compressed, boolean encrypted, int keyIdLength) {
		int length = FIXED_LENGTH;
		if (compressed) {
			length += COMPRESSION_FIELDS_LENGTH + (encrypted ? 0 : CHECKSUM_LENGTH);
		}
		if (encrypted) {
			length += 1 + keyIdLength + IV_LENGTH;
		}
		return length;
	}

	/**
	 * Parse the header of a value that starts with the magic byte.
	 * @param stored the stored value
	 * @param maxDecodedSize the largest uncompressed length accepted, checked here so that
	 * nothing is allocated for a larger one
	 * @return the header
	 * @throws ValueDecodingException if the header is truncated or invalid
	 */
	static EnvelopeHeader parse(byte[] stored, int maxDecodedSize) {
		if (stored.length < FIXED_LENGTH) {
			throw truncated(stored, "header");
		}
		int version = stored[1] & 0xFF;
		if (version != VERSION) {
			throw new ValueDecodingException(Reason.UNSUPPORTED_VERSION, "Value has format version " + version
					+ " but this reader only knows version " + VERSION + "; was it written by a newer redisboot?");
		}
		int flags = stored[2] & 0xFF;
		if ((Integer.bitCount(flags) & 1) != 0 || (flags & FLAG_RESERVED) != 0) {
			throw new ValueDecodingException(Reason.CORRUPT_HEADER,
					"Value has invalid header flags 0x" + Integer.toHexString(flags));
		}
		boolean compressed = (flags & FLAG_COMPRESSED) != 0;
		boolean encrypted = (flags & FLAG_ENCRYPTED) != 0;
		int position = FIXED_LENGTH;
		CompressionCodec codec = null;
		int uncompressedLength = 0;
		int checksum = 0;
		if (compressed) {
			int fieldsLength = COMPRESSION_FIELDS_LENGTH + (encrypted ? 0 : CHECKSUM_LENGTH);
			if (stored.length < position + fieldsLength) {
				throw truncated(stored, "header");
			}
			int codecId = stored[position] & 0xFF;
			codec = CompressionCodec.forId(codecId);
			if (codec == null) {
				throw new ValueDecodingException(Reason.UNSUPPORTED_CODEC,
						"Value is compressed with unknown codec id " + codecId);
			}
			uncompressedLength = readInt(stored, position + 1);
			if (uncompressedLength < 0 || uncompressedLength > maxDecodedSize) {
				throw new ValueDecodingException(Reason.TOO_LARGE,
						"Value decompresses to " + Integer.toUnsignedString(uncompressedLength)
								+ " bytes, more than the maximum of " + maxDecodedSize);
			}
			if (!encrypted) {
				checksum = readInt(stored, position + COMPRESSION_FIELDS_LENGTH);
			}
			position += fieldsLength;
		}
		String keyId = null;
		int ivOffset = 0;
		if (encrypted) {
			if (stored.length < position + 1) {
				throw truncated(stored, "header");
			}
			int keyIdLength = stored[position++] & 0xFF;
			if (keyIdLength < 1 || keyIdLength > EncryptionKeyRing.MAX_KEY_ID_LENGTH) {
				throw new ValueDecodingException(Reason.CORRUPT_HEADER,
						"Value has an invalid key id length of " + keyIdLength);
			}
			if (stored.length < position + keyIdLength + IV_LENGTH) {
				throw truncated(stored, "header");
			}
			for (int i = position; i < position + keyIdLength; i++) {
				if (!EncryptionKeyRing.isKeyIdCharacter(stored[i])) {
					throw new ValueDecodingException(Reason.CORRUPT_HEADER,
							"Value has an invalid character in its key id");
				}
			}
			keyId = new String(stored, position, keyIdLength, StandardCharsets.US_ASCII);
			position += keyIdLength;
			ivOffset = position;
			position += IV_LENGTH;
			if (stored.length < position + TAG_LENGTH) {
				throw truncated(stored, "authentication tag");
			}
		}
		return new EnvelopeHeader(flags, codec, uncompressedLength, checksum, keyId, ivOffset, position);
	}

	/**
	 * The checksum that an unencrypted compressed value carries of its payload.
	 * @param payload the uncompressed payload
	 * @return its CRC32C
	 */
	static int crc32c(byte[] payload) {
		CRC32C crc = new CRC32C();
		crc.update(payload, 0, payload.length);
		return (int) crc.getValue();
	}

	static void writeInt(byte[] target, int offset, int value) {
		target[offset] = (byte) (value >>> 24);
		target[offset + 1] = (byte) (value >>> 16);
		target[offset + 2] = (byte) (value >>> 8);
		target[offset + 3] = (byte) value;
	}

	private static int readInt(byte[] source, int offset) {
		return ((source[offset] & 0xFF) << 24) | ((source[offset + 1] & 0xFF) << 16)
				| ((source[offset + 2] & 0xFF) << 8) | (source[offset + 3] & 0xFF);
	}

	private static ValueDecodingException truncated(byte[] stored, String part) {
		return new ValueDecodingException(Reason.TRUNCATED,
				"Value of " + stored.length + " bytes is truncated: it ends inside its " + part);
	}

}

package dev.redisboot.core.codec;

/**
 * Exception thrown when a value read from Redis cannot be decoded: it is truncated or
 * corrupt, was written by a newer format version, names a key or codec this reader does
 * not have, fails authentication, or would decode to more bytes than allowed. It is the
 * only exception that {@link ValueEnvelope#decode(byte[], byte[])} throws for bad input,
 * so a cache can treat it as a miss and a session store as a missing attribute.
 * <p>
 * Messages say what was wrong and never contain key material or payload bytes. The
 * {@link #getReason() reason} is a small fixed set, suitable as a metric tag.
 *
 * @author redisboot
 */
public class ValueDecodingException extends RuntimeException {

	private final Reason reason;

	/**
	 * Create a new exception.
	 * @param reason why the value could not be decoded
	 * @param message what was wrong, without key material or payload bytes
	 */
	public ValueDecodingException(Reason reason, String message) {
		super(message);
		this.reason = reason;
	}

	/**
	 * Create a new exception with a cause. Only pass causes whose messages are known not
	 * to contain key material or payload bytes.
	 * @param reason why the value could not be decoded
	 * @param message what was wrong, without key material or payload bytes
	 * @param cause the underlying failure
	 */
	public ValueDecodingException(Reason reason, String message, Throwable cause) {
		super(message, cause);
		this.reason = reason;
	}

	/**
	 * Return why the value could not be decoded.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Why a value could not be decoded.
	 */
	public enum Reason {

		/**
		 * The value ends before its header or body does.
		 */
		TRUNCATED,

		/**
		 * The value was written in a format version this reader does not know, by a newer
		 * redisboot for example.
		 */
		UNSUPPORTED_VERSION,

		/**
		 * The header is malformed: invalid flags or an invalid key id.
		 */
		CORRUPT_HEADER,

		/**
		 * The value was compressed with a codec this reader does not know or whose
		 * library is not on the class path.
		 */
		UNSUPPORTED_CODEC,

		/**
		 * The compressed body is corrupt: it does not decompress, or not to the length and
		 * checksum the header records.
		 */
		CORRUPT_BODY,

		/**
		 * The value would decode to more bytes than the configured maximum.
		 */
		TOO_LARGE,

		/**
		 * The value is encrypted but this reader has no encryption keys.
		 */
		ENCRYPTION_NOT_CONFIGURED,

		/**
		 * The value is encrypted with a key id that is not in the key ring.
		 */
		UNKNOWN_KEY,

		/**
		 * AES-GCM authentication failed: the value was altered, copied from another Redis
		 * key (other associated data), or encrypted with a different key under the same
		 * id.
		 */
		AUTHENTICATION_FAILED,

		/**
		 * The value is not encrypted but this reader only accepts encrypted values.
		 */
		ENCRYPTION_REQUIRED

	}

}

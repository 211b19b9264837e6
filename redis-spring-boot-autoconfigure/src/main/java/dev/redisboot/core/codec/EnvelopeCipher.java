package dev.redisboot.core.codec;

import java.security.GeneralSecurityException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

import dev.redisboot.core.codec.ValueDecodingException.Reason;

/**
 * The encryption step of a {@link ValueEnvelope}: AES-GCM over the body, with the
 * envelope's header bytes followed by the caller's associated data as GCM associated
 * data, so that a changed header or a value copied under another Redis key fails
 * authentication.
 *
 * @author redisboot
 */
final class EnvelopeCipher {

	private static final String CIPHER = "AES/GCM/NoPadding";

	private static final int TAG_BITS = EnvelopeHeader.TAG_LENGTH * 8;

	private EnvelopeCipher() {
	}

	/**
	 * Encrypt a body into a stored value whose header, IV included, is already written.
	 * @param key the key
	 * @param keyId the key's id, for the error message
	 * @param iv the IV written in the header
	 * @param stored the stored value: header, then room for the ciphertext and the tag
	 * @param headerLength the length of the header, where the ciphertext starts
	 * @param associatedData the caller's associated data, empty for none
	 * @param body the bytes to encrypt
	 * @param bodyLength how many bytes of {@code body} to encrypt
	 */
	static void seal(SecretKey key, String keyId, byte[] iv, byte[] stored, int headerLength, byte[] associatedData,
			byte[] body, int bodyLength) {
		try {
			Cipher cipher = Cipher.getInstance(CIPHER);
			cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
			cipher.updateAAD(stored, 0, headerLength);
			if (associatedData.length > 0) {
				cipher.updateAAD(associatedData);
			}
			cipher.doFinal(body, 0, bodyLength, stored, headerLength);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM encryption with key '" + keyId + "' failed", ex);
		}
	}

	/**
	 * Decrypt and authenticate the body of a stored value.
	 * @param key the key named by the header
	 * @param keyId the key's id, for error messages
	 * @param stored the stored value
	 * @param header its parsed header
	 * @param associatedData the caller's associated data, empty for none
	 * @return the decrypted body
	 * @throws ValueDecodingException if authentication fails
	 */
	static byte[] open(SecretKey key, String keyId, byte[] stored, EnvelopeHeader header, byte[] associatedData) {
		int bodyOffset = header.getLength();
		try {
			Cipher cipher = Cipher.getInstance(CIPHER);
			cipher.init(Cipher.DECRYPT_MODE, key,
					new GCMParameterSpec(TAG_BITS, stored, header.ivOffset(), EnvelopeHeader.IV_LENGTH));
			cipher.updateAAD(stored, 0, bodyOffset);
			if (associatedData.length > 0) {
				cipher.updateAAD(associatedData);
			}
			return cipher.doFinal(stored, bodyOffset, stored.length - bodyOffset);
		}
		catch (AEADBadTagException ex) {
			// No cause: nothing in it helps, and the message stays ours
			throw new ValueDecodingException(Reason.AUTHENTICATION_FAILED, "Value encrypted with key id '" + keyId
					+ "' failed authentication: it was altered, stored under another Redis key (different "
					+ "associated data), or encrypted with a different key of the same id");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM decryption with key '" + keyId + "' failed", ex);
		}
	}

}

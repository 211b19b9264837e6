package dev.redisboot.session;

import java.util.Map;

import dev.redisboot.core.codec.EncryptionKeyRing;
import dev.redisboot.core.codec.ValueDecodingException;
import dev.redisboot.core.codec.ValueEnvelope;
import org.jspecify.annotations.Nullable;

import static dev.redisboot.session.SessionKeys.bytes;
import static dev.redisboot.session.SessionKeys.string;

/**
 * Session ids as stored in a session hash, so that sessions can be found by principal name:
 * encrypted with AES-GCM and bound to the session's key name, or not stored at all without
 * an application key.
 *
 * @author redisboot
 */
final class SessionIdCipher {

	private final SessionKeys keys;

	private volatile @Nullable ValueEnvelope cipher;

	SessionIdCipher(SessionKeys keys) {
		this.keys = keys;
	}

	void setKeyRing(@Nullable EncryptionKeyRing keyRing) {
		this.cipher = (keyRing != null)
				? ValueEnvelope.defaults().withEncryption(keyRing).withEncryptionRequired(true) : null;
	}

	/**
	 * Whether ids are stored, so that they can be read back.
	 */
	boolean isEnabled() {
		return this.cipher != null;
	}

	byte @Nullable [] encrypt(String id, String handle) {
		ValueEnvelope cipher = this.cipher;
		return (cipher != null) ? cipher.encode(bytes(id), this.keys.sessionKey(handle)) : null;
	}

	/**
	 * Decrypts a stored id.
	 * @return the id, {@code null} without a key or if it cannot be decrypted
	 */
	@Nullable String decrypt(byte[] stored, String handle) {
		ValueEnvelope cipher = this.cipher;
		if (cipher == null) {
			return null;
		}
		try {
			return string(cipher.decode(stored, this.keys.sessionKey(handle)));
		}
		catch (ValueDecodingException ex) {
			return null;
		}
	}

	/**
	 * Reads the id stored in a session hash, if it decrypts to an id of that handle.
	 */
	@Nullable String storedId(Map<byte[], byte[]> fields, String handle) {
		for (Map.Entry<byte[], byte[]> entry : fields.entrySet()) {
			if (SessionKeys.SESSION_ID.equals(string(entry.getKey()))) {
				String id = decrypt(entry.getValue(), handle);
				return (id != null && handle.equals(this.keys.handle(id))) ? id : null;
			}
		}
		return null;
	}

}

package dev.redisboot.core.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.codec.EncryptionKeyRing;
import org.jspecify.annotations.Nullable;

/**
 * AES-GCM keys for encryption at rest, extended by the encryption properties of each feature
 * that stores values ({@code redisboot.cache.encryption}, {@code redisboot.session.encryption}).
 *
 * @author redisboot
 */
public class EncryptionKeysProperties {

	/**
	 * Id of the key that encrypts new values; values encrypted with any key of 'keys'
	 * stay readable, which allows key rotation.
	 */
	private @Nullable String activeKeyId;

	/**
	 * AES keys (128, 192 or 256 bits, Base64) by key id, for example from an environment
	 * variable such as REDISBOOT_CACHE_ENCRYPTION_KEYS_2026A. Key ids are 1 to 32 of the
	 * characters A-Z a-z 0-9 . _ -.
	 */
	private Map<String, String> keys = new LinkedHashMap<>();

	public @Nullable String getActiveKeyId() {
		return this.activeKeyId;
	}

	public void setActiveKeyId(@Nullable String activeKeyId) {
		this.activeKeyId = activeKeyId;
	}

	public Map<String, String> getKeys() {
		return this.keys;
	}

	public void setKeys(Map<String, String> keys) {
		this.keys = keys;
	}

	/**
	 * Creates the key ring of the configured keys.
	 * @param prefix the properties' prefix including the trailing dot, such as
	 * {@code redisboot.cache.encryption.}, for error messages
	 * @return the key ring, or {@code null} if no key is configured
	 * @throws InvalidPropertyException if a key or the active key id is invalid; the message
	 * never contains key material
	 */
	public @Nullable EncryptionKeyRing createKeyRing(String prefix) {
		if (this.keys.isEmpty() && this.activeKeyId == null) {
			return null;
		}
		try {
			return EncryptionKeyRing.of(this.activeKeyId, this.keys);
		}
		catch (IllegalArgumentException ex) {
			throw InvalidPropertyException.withValueWithheld(prefix + "keys", ex.getMessage(),
					"Set " + prefix + "active-key-id to one of the ids of " + prefix
							+ "keys, each a Base64 AES key of 128, 192 or 256 bits (openssl rand -base64 32).");
		}
	}

	/**
	 * Creates the key ring of the configured keys, which encryption needs.
	 * @param prefix the properties' prefix including the trailing dot
	 * @param enabledProperty the property that switched encryption on, for the message
	 * @return the key ring
	 * @throws InvalidPropertyException if no key is configured, or a key is invalid
	 */
	public EncryptionKeyRing requireKeyRing(String prefix, String enabledProperty) {
		EncryptionKeyRing keyRing = createKeyRing(prefix);
		if (keyRing == null) {
			throw InvalidPropertyException.withValueWithheld(prefix + "keys",
					"Encryption is enabled (" + enabledProperty + ") but no key is configured",
					"Set " + prefix + "active-key-id and " + prefix
							+ "keys.<id> to a Base64 AES key (128, 192 or 256 bits), for example from the "
							+ "environment variable " + prefix.replace('.', '_').replace("-", "").toUpperCase()
							+ "KEYS_<ID>. Generate one with: openssl rand -base64 32");
		}
		return keyRing;
	}

}

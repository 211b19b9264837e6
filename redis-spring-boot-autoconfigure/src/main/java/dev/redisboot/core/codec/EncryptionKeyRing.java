package dev.redisboot.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * The AES keys a {@link ValueEnvelope} encrypts and decrypts with, each under a short key
 * id that is written into the header of every encrypted value. New values are encrypted
 * with the active key; values are decrypted with whichever key their header names. To
 * rotate, add a new key, make it active and keep the old one until no value encrypted
 * with it remains in Redis (its entries expired or were rewritten).
 * <p>
 * Key ids are 1 to 32 characters of {@code A-Z a-z 0-9 . _ -}; they are not secret and
 * appear in messages. Keys are 128, 192 or 256 bits, given in Base64 (standard or URL-safe
 * alphabet, padding optional), for example from {@code openssl rand -base64 32}. Neither
 * messages nor {@link #toString()} ever contain key material.
 * <p>
 * Instances are immutable and thread-safe.
 *
 * @author redisboot
 */
public final class EncryptionKeyRing {

	/**
	 * Longest allowed key id, in characters.
	 */
	public static final int MAX_KEY_ID_LENGTH = 32;

	private static final String KEY_ID_RULE = "key ids are 1 to " + MAX_KEY_ID_LENGTH
			+ " characters of A-Z, a-z, 0-9, '.', '_' and '-'";

	private final String activeKeyId;

	private final byte[] activeKeyIdBytes;

	private final Map<String, SecretKey> keys;

	private EncryptionKeyRing(String activeKeyId, Map<String, SecretKey> keys) {
		this.activeKeyId = activeKeyId;
		this.activeKeyIdBytes = activeKeyId.getBytes(StandardCharsets.US_ASCII);
		this.keys = keys;
	}

	/**
	 * Create a key ring.
	 * @param activeKeyId the id of the key that encrypts new values; must be one of the
	 * ids of {@code base64Keys}
	 * @param base64Keys the keys by id, each Base64-encoded; surrounding whitespace is
	 * ignored
	 * @return the key ring
	 * @throws IllegalArgumentException if a key id is invalid, the active key id has no
	 * key, or a key is not Base64 of 16, 24 or 32 bytes; the message names the key id but
	 * never shows a key
	 */
	public static EncryptionKeyRing of(@Nullable String activeKeyId, @Nullable Map<String, String> base64Keys) {
		if (base64Keys == null || base64Keys.isEmpty()) {
			throw new IllegalArgumentException("At least one encryption key is required");
		}
		Map<String, SecretKey> keys = new LinkedHashMap<>();
		for (Map.Entry<String, String> entry : base64Keys.entrySet()) {
			String keyId = entry.getKey();
			validateKeyId(keyId, "Key id");
			keys.put(keyId, decodeKey(keyId, entry.getValue()));
		}
		validateKeyId(activeKeyId, "Active key id");
		if (!keys.containsKey(activeKeyId)) {
			throw new IllegalArgumentException("Active key id '" + activeKeyId + "' has no key; configured key ids are "
					+ new TreeSet<>(keys.keySet()));
		}
		return new EncryptionKeyRing(activeKeyId, Collections.unmodifiableMap(keys));
	}

	/**
	 * Return whether the given text is a valid key id: 1 to {@value #MAX_KEY_ID_LENGTH}
	 * characters of {@code A-Z a-z 0-9 . _ -}.
	 * @param keyId the candidate
	 * @return whether it is a valid key id
	 */
	public static boolean isValidKeyId(@Nullable String keyId) {
		if (keyId == null || keyId.isEmpty() || keyId.length() > MAX_KEY_ID_LENGTH) {
			return false;
		}
		for (int i = 0; i < keyId.length(); i++) {
			if (!isKeyIdCharacter(keyId.charAt(i))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Return the id of the key that encrypts new values.
	 * @return the active key id
	 */
	public String getActiveKeyId() {
		return this.activeKeyId;
	}

	/**
	 * Return the ids of all keys, the active one included, in the order given.
	 * @return the key ids
	 */
	public Set<String> getKeyIds() {
		return this.keys.keySet();
	}

	/**
	 * Return the active key id as the ASCII bytes written into headers. Callers must not
	 * modify the array.
	 * @return the active key id bytes
	 */
	byte[] activeKeyIdBytes() {
		return this.activeKeyIdBytes;
	}

	SecretKey activeKey() {
		return this.keys.get(this.activeKeyId);
	}

	@Nullable SecretKey key(String keyId) {
		return this.keys.get(keyId);
	}

	static boolean isKeyIdCharacter(int c) {
		return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
				|| c == '-';
	}

	private static void validateKeyId(@Nullable String keyId, String what) {
		if (keyId == null || keyId.isEmpty()) {
			throw new IllegalArgumentException(what + " must not be empty; " + KEY_ID_RULE);
		}
		if (!isValidKeyId(keyId)) {
			// Not echoed: a key pasted into the id by mistake must not end up in a log
			throw new IllegalArgumentException(what + " of " + keyId.length() + " characters is invalid; "
					+ KEY_ID_RULE + ". Did you swap a key id and a key?");
		}
	}

	private static SecretKey decodeKey(String keyId, @Nullable String base64Key) {
		if (base64Key == null || base64Key.isBlank()) {
			throw new IllegalArgumentException("Key '" + keyId + "' must not be empty");
		}
		String trimmed = base64Key.strip();
		boolean urlSafe = trimmed.indexOf('-') >= 0 || trimmed.indexOf('_') >= 0;
		byte[] key;
		try {
			key = (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(trimmed);
		}
		catch (IllegalArgumentException ex) {
			// The decoder's message quotes the offending character: neither shown nor chained
			throw new IllegalArgumentException("Key '" + keyId + "' is not valid Base64");
		}
		try {
			if (key.length != 16 && key.length != 24 && key.length != 32) {
				throw new IllegalArgumentException("Key '" + keyId + "' has " + (key.length * 8)
						+ " bits; AES keys must have 128, 192 or 256 bits (16, 24 or 32 bytes before Base64)");
			}
			return new SecretKeySpec(key, "AES");
		}
		finally {
			// SecretKeySpec keeps its own copy
			Arrays.fill(key, (byte) 0);
		}
	}

	@Override
	public String toString() {
		return "EncryptionKeyRing[activeKeyId=" + this.activeKeyId + ", keyIds=" + this.keys.keySet() + "]";
	}

}

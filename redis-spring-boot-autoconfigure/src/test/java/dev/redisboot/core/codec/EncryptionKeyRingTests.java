package dev.redisboot.core.codec;

import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link EncryptionKeyRing}.
 */
class EncryptionKeyRingTests {

	private static final String KEY_1 = base64Key(32, 1);

	private static final String KEY_2 = base64Key(16, 2);

	@ParameterizedTest
	@ValueSource(ints = { 16, 24, 32 })
	void acceptsAesKeySizes(int bytes) {
		String key = base64Key(bytes, bytes);
		EncryptionKeyRing ring = EncryptionKeyRing.of("k1", Map.of("k1", key));
		assertThat(ring.getActiveKeyId()).isEqualTo("k1");
		assertThat(ring.activeKey().getEncoded()).isEqualTo(Base64.getDecoder().decode(key));
		assertThat(ring.activeKey().getAlgorithm()).isEqualTo("AES");
	}

	@Test
	void keepsAllKeysInGivenOrder() {
		Map<String, String> keys = new LinkedHashMap<>();
		keys.put("2025-01", KEY_1);
		keys.put("2025-07", KEY_2);
		EncryptionKeyRing ring = EncryptionKeyRing.of("2025-07", keys);
		assertThat(ring.getKeyIds()).containsExactly("2025-01", "2025-07");
		assertThat(ring.key("2025-01")).isNotNull();
		assertThat(ring.key("2024-01")).isNull();
		assertThat(ring.activeKeyIdBytes()).containsExactly("2025-07".getBytes());
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> ring.getKeyIds().clear());
	}

	@Test
	void isNotChangedByLaterChangesToTheGivenMap() {
		Map<String, String> keys = new HashMap<>(Map.of("k1", KEY_1));
		EncryptionKeyRing ring = EncryptionKeyRing.of("k1", keys);
		keys.put("k2", KEY_2);
		assertThat(ring.getKeyIds()).containsExactly("k1");
	}

	@Test
	void acceptsUrlSafeUnpaddedAndSurroundingWhitespace() {
		byte[] raw = new byte[32];
		raw[0] = (byte) 0xFB;
		raw[1] = (byte) 0xFF;
		String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
		assertThat(urlSafe).contains("-").contains("_");
		assertThat(EncryptionKeyRing.of("k", Map.of("k", urlSafe)).activeKey().getEncoded()).isEqualTo(raw);
		String unpadded = Base64.getEncoder().withoutPadding().encodeToString(new byte[16]);
		assertThat(EncryptionKeyRing.of("k", Map.of("k", unpadded)).activeKey().getEncoded()).hasSize(16);
		assertThat(EncryptionKeyRing.of("k", Map.of("k", "  " + KEY_1 + "\n")).activeKey().getEncoded())
			.isEqualTo(Base64.getDecoder().decode(KEY_1));
	}

	@ParameterizedTest
	@ValueSource(strings = { "a", "key-1", "KEY_2", "v1.2", "0123456789abcdefghijABCDEFGHIJ._" })
	void acceptsValidKeyIds(String keyId) {
		assertThat(EncryptionKeyRing.isValidKeyId(keyId)).isTrue();
		assertThat(EncryptionKeyRing.of(keyId, Map.of(keyId, KEY_1)).getActiveKeyId()).isEqualTo(keyId);
	}

	@ParameterizedTest
	@ValueSource(strings = { "key 1", "key:1", "key/1", "schlüssel", "k+1", "k=", "0123456789abcdefghijABCDEFGHIJ._x" })
	void rejectsInvalidKeyIdWithoutEchoingIt(String keyId) {
		assertThat(EncryptionKeyRing.isValidKeyId(keyId)).isFalse();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EncryptionKeyRing.of("k1", Map.of("k1", KEY_1, keyId, KEY_2)))
			.withMessageStartingWith("Key id of " + keyId.length() + " characters is invalid")
			.withMessageContaining("1 to 32 characters of A-Z, a-z, 0-9, '.', '_' and '-'")
			.withMessageNotContaining(keyId);
	}

	@Test
	void rejectsKeyPastedAsKeyIdWithoutShowingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKeyRing.of(KEY_1, Map.of("k1", KEY_1)))
			.withMessageStartingWith("Active key id of 44 characters is invalid")
			.withMessageContaining("swap")
			.withMessageNotContaining(KEY_1);
	}

	@Test
	void rejectsEmptyKeyIds() {
		assertThat(EncryptionKeyRing.isValidKeyId("")).isFalse();
		assertThat(EncryptionKeyRing.isValidKeyId(null)).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKeyRing.of("", Map.of("k1", KEY_1)))
			.withMessageStartingWith("Active key id must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKeyRing.of(null, Map.of("k1", KEY_1)))
			.withMessageStartingWith("Active key id must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKeyRing.of("k1", Map.of("", KEY_1)))
			.withMessageStartingWith("Key id must not be empty");
	}

	@Test
	void rejectsActiveKeyIdWithoutKey() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> EncryptionKeyRing.of("k3", Map.of("k2", KEY_2, "k1", KEY_1)))
			.withMessage("Active key id 'k3' has no key; configured key ids are [k1, k2]");
	}

	@Test
	void rejectsMissingKeys() {
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKeyRing.of("k1", Map.of()))
			.withMessage("At least one encryption key is required");
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKeyRing.of("k1", null))
			.withMessage("At least one encryption key is required");
		Map<String, String> nullKey = new HashMap<>();
		nullKey.put("k1", null);
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKeyRing.of("k1", nullKey))
			.withMessage("Key 'k1' must not be empty");
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKeyRing.of("k1", Map.of("k1", " ")))
			.withMessage("Key 'k1' must not be empty");
	}

	@ParameterizedTest
	@ValueSource(strings = { "not base64!", "c2VjcmV0*c2VjcmV0c2VjcmV0", "abc=def", "A" })
	void rejectsInvalidBase64WithoutShowingTheKey(String badKey) {
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKeyRing.of("k1", Map.of("k1", badKey)))
			.withMessage("Key 'k1' is not valid Base64")
			.withNoCause();
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 8, 15, 17, 20, 31, 33, 64 })
	void rejectsWrongKeySizeWithoutShowingTheKey(int bytes) {
		String key = base64Key(bytes, 9);
		assertThatIllegalArgumentException().isThrownBy(() -> EncryptionKeyRing.of("k1", Map.of("k1", key)))
			.withMessage("Key 'k1' has " + (bytes * 8)
					+ " bits; AES keys must have 128, 192 or 256 bits (16, 24 or 32 bytes before Base64)")
			.withMessageNotContaining(key);
	}

	@Test
	void toStringShowsKeyIdsOnly() {
		EncryptionKeyRing ring = EncryptionKeyRing.of("k2", new LinkedHashMap<>(Map.of("k2", KEY_2)));
		assertThat(ring).hasToString("EncryptionKeyRing[activeKeyId=k2, keyIds=[k2]]");
		assertThat(ring.toString()).doesNotContain(KEY_2);
	}

	private static String base64Key(int bytes, int seed) {
		byte[] key = new byte[bytes];
		new SplittableRandom(seed).nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

}

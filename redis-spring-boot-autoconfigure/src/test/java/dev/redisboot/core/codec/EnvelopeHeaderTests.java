package dev.redisboot.core.codec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.redisboot.core.codec.ValueDecodingException.Reason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link EnvelopeHeader}.
 */
class EnvelopeHeaderTests {

	private static final EncryptionKeyRing KEY_RING = EncryptionKeyRing.of("2025-q3",
			Map.of("2025-q3", ValueEnvelopeTests.base64Key(16, 3)));

	@Test
	void plainHeader() {
		byte[] stored = ValueEnvelope.defaults().encode(TestPayloads.json(10), new byte[0]);
		EnvelopeHeader header = ValueEnvelope.readHeader(stored).orElseThrow();
		assertThat(header.getVersion()).isEqualTo(1);
		assertThat(header.isCompressed()).isFalse();
		assertThat(header.getCompressionCodec()).isEqualTo(CompressionCodec.NONE);
		assertThat(header.getUncompressedLength()).isEqualTo(-1);
		assertThat(header.isEncrypted()).isFalse();
		assertThat(header.getKeyId()).isNull();
		assertThat(header.getLength()).isEqualTo(3);
		assertThat(header).hasToString("EnvelopeHeader[version=1, compression=NONE, keyId=<none>, length=3]");
	}

	@Test
	void compressedAndEncryptedHeader() {
		ValueEnvelope envelope = ValueEnvelope.defaults()
			.withCompression(CompressionCodec.ZSTD, 100)
			.withEncryption(KEY_RING);
		byte[] stored = envelope.encode(TestPayloads.json(3000), new byte[0]);
		EnvelopeHeader header = ValueEnvelope.readHeader(stored).orElseThrow();
		assertThat(header.isCompressed()).isTrue();
		assertThat(header.getCompressionCodec()).isEqualTo(CompressionCodec.ZSTD);
		assertThat(header.getUncompressedLength()).isEqualTo(3000);
		assertThat(header.isEncrypted()).isTrue();
		assertThat(header.getKeyId()).isEqualTo("2025-q3");
		assertThat(header.getLength()).isEqualTo(3 + 5 + 1 + 7 + 12);
		assertThat(header).hasToString("EnvelopeHeader[version=1, compression=ZSTD, keyId=2025-q3, length=28]");
	}

	@Test
	void onlyFourFlagBytesAreValidAndNoneIsOneBitFromAnother() {
		List<Integer> valid = new ArrayList<>();
		for (int flags = 0; flags < 256; flags++) {
			byte[] stored = ValueEnvelope.defaults()
				.withCompression(CompressionCodec.ZSTD, 0)
				.withEncryption(KEY_RING)
				.encode(TestPayloads.json(3000), new byte[0]);
			stored[2] = (byte) flags;
			try {
				EnvelopeHeader.parse(stored, Integer.MAX_VALUE);
				valid.add(flags);
			}
			catch (ValueDecodingException ex) {
				// Flags that pass may still fail later, reading the rest as another layout
				if (!ex.getMessage().startsWith("Value has invalid header flags")) {
					valid.add(flags);
				}
			}
		}
		assertThat(valid).containsExactly(0x00, 0x03, 0x81, 0x82);
		assertThat(EnvelopeHeader.flags(0)).isEqualTo((byte) 0x00);
		assertThat(EnvelopeHeader.flags(EnvelopeHeader.FLAG_COMPRESSED)).isEqualTo((byte) 0x81);
		assertThat(EnvelopeHeader.flags(EnvelopeHeader.FLAG_ENCRYPTED)).isEqualTo((byte) 0x82);
		assertThat(EnvelopeHeader.flags(EnvelopeHeader.FLAG_COMPRESSED | EnvelopeHeader.FLAG_ENCRYPTED))
			.isEqualTo((byte) 0x03);
		for (int a : valid) {
			for (int b : valid) {
				if (a != b) {
					assertThat(Integer.bitCount(a ^ b)).isGreaterThanOrEqualTo(2);
				}
			}
		}
	}

	@Test
	void invalidKeyIdInHeaderIsCorruptHeader() {
		byte[] stored = ValueEnvelope.defaults().withEncryption(KEY_RING).encode(TestPayloads.json(10), new byte[0]);
		stored[5] = ':';
		assertThatExceptionOfType(ValueDecodingException.class).isThrownBy(() -> ValueEnvelope.readHeader(stored))
			.withMessage("Value has an invalid character in its key id");
		stored[3] = 0;
		assertThatExceptionOfType(ValueDecodingException.class).isThrownBy(() -> ValueEnvelope.readHeader(stored))
			.withMessage("Value has an invalid key id length of 0");
		stored[3] = 33;
		assertThatExceptionOfType(ValueDecodingException.class).isThrownBy(() -> ValueEnvelope.readHeader(stored))
			.withMessage("Value has an invalid key id length of 33");
	}

	@Test
	void truncatedHeaderSaysWhere() {
		assertThatExceptionOfType(ValueDecodingException.class)
			.isThrownBy(() -> ValueEnvelope.readHeader(new byte[] { (byte) 0xC1, 1 }))
			.withMessage("Value of 2 bytes is truncated: it ends inside its header")
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.TRUNCATED));
		byte[] encrypted = ValueEnvelope.defaults().withEncryption(KEY_RING).encode(new byte[0], new byte[0]);
		byte[] withoutTag = Arrays.copyOf(encrypted, encrypted.length - 1);
		assertThatExceptionOfType(ValueDecodingException.class).isThrownBy(() -> ValueEnvelope.readHeader(withoutTag))
			.withMessageEndingWith("it ends inside its authentication tag");
	}

	@Test
	void isEnvelopeChecksTheMagicByteOnly() {
		assertThat(ValueEnvelope.isEnvelope(new byte[] { (byte) 0xC1 })).isTrue();
		assertThat(ValueEnvelope.isEnvelope(new byte[0])).isFalse();
		assertThat(ValueEnvelope.isEnvelope(TestPayloads.utf8("{}"))).isFalse();
		assertThat(ValueEnvelope.isEnvelope(new byte[] { (byte) 0xAC, (byte) 0xED })).isFalse();
	}

}

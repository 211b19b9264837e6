package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import dev.redisboot.cache.fixtures.Product;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.core.codec.EnvelopeHeader;
import dev.redisboot.core.codec.ValueEnvelope;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How values are stored: compression above the threshold only, encryption without plaintext
 * in Redis, and key rotation.
 */
@WithRedis
class RedisbootCacheValueFormatIntegrationTests extends CacheIntegrationTestSupport {

	private static final String KEY_A = randomKey();

	private static final String KEY_B = randomKey();

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

	private static String randomKey() {
		byte[] key = new byte[32];
		ThreadLocalRandom.current().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	private static Product large(long id) {
		return new Product(id, "patient record " + "lorem ipsum dolor sit amet ".repeat(200),
				new java.math.BigDecimal("1"), List.of("a", "b"));
	}

	@Test
	void compressesAboveTheThresholdOnly() {
		runner().withPropertyValues("redisboot.cache.compression.compress-above=1KB").run((context) -> {
			Cache cache = context.getBean(CacheManager.class).getCache("products");
			Product big = large(1);
			cache.put(1L, big);
			byte[] stored = raw(context, key("products", 1));
			EnvelopeHeader header = ValueEnvelope.readHeader(stored).orElseThrow();
			assertThat(header.isCompressed()).isTrue();
			assertThat(stored.length).isLessThan(big.name().length() / 4);
			assertThat(cache.get(1L).get()).isEqualTo(big);
			Product small = ProductService.product(2, "small");
			cache.put(2L, small);
			byte[] plain = raw(context, key("products", 2));
			assertThat(ValueEnvelope.readHeader(plain).orElseThrow().isCompressed()).isFalse();
			assertThat(new String(plain, StandardCharsets.UTF_8)).contains("\"name\":\"small\"");
			assertThat(cache.get(2L).get()).isEqualTo(small);
		});
	}

	@Test
	void switchingCompressionOffNeedsNoFlush() {
		runner().run((context) -> {
			context.getBean(CacheManager.class).getCache("products").put(3L, large(3));
			assertThat(ValueEnvelope.readHeader(raw(context, key("products", 3))).orElseThrow().isCompressed()).isTrue();
		});
		runner().withPropertyValues("redisboot.cache.compression.enabled=false").run((context) -> {
			Cache cache = context.getBean(CacheManager.class).getCache("products");
			assertThat(cache.get(3L).get()).isEqualTo(large(3));
		});
	}

	@Test
	void encryptedCacheStoresNoPlaintext() {
		runner().withPropertyValues("redisboot.cache.caches.patients.encryption.enabled=true",
				"redisboot.cache.encryption.active-key-id=a", "redisboot.cache.encryption.keys.a=" + KEY_A)
			.run((context) -> {
				Cache cache = context.getBean(CacheManager.class).getCache("patients");
				Product record = ProductService.product(10, "Jane Doe, diagnosis: measles");
				cache.put(10L, record);
				byte[] stored = raw(context, key("patients", 10));
				assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("Jane Doe")
					.doesNotContain("measles")
					.doesNotContain("Product");
				assertThat(ValueEnvelope.readHeader(stored).orElseThrow().getKeyId()).isEqualTo("a");
				assertThat(cache.get(10L).get()).isEqualTo(record);
			});
	}

	@Test
	void cachesWithoutEncryptionStayPlainWhenKeysAreConfigured() {
		runner().withPropertyValues("redisboot.cache.caches.patients.encryption.enabled=true",
				"redisboot.cache.encryption.active-key-id=a", "redisboot.cache.encryption.keys.a=" + KEY_A)
			.run((context) -> {
				Cache products = context.getBean(CacheManager.class).getCache("products");
				products.put(20L, ProductService.product(20, "plain"));
				byte[] stored = raw(context, key("products", 20));
				assertThat(ValueEnvelope.readHeader(stored).orElseThrow().isEncrypted()).isFalse();
				assertThat(new String(stored, StandardCharsets.UTF_8)).contains("\"name\":\"plain\"");
			});
	}

	@Test
	void rotatedKeyReadsOldValuesAndWritesWithTheNewKey() {
		runner().withPropertyValues("redisboot.cache.caches.patients.encryption.enabled=true",
				"redisboot.cache.encryption.active-key-id=a", "redisboot.cache.encryption.keys.a=" + KEY_A)
			.run((context) -> {
				context.getBean(CacheManager.class).getCache("patients").put(11L, ProductService.product(11, "old"));
				// the next context is the application after the rotation: key b active, key a still known
				runner().withPropertyValues("redisboot.cache.caches.patients.encryption.enabled=true",
						"redisboot.cache.encryption.active-key-id=b", "redisboot.cache.encryption.keys.a=" + KEY_A,
						"redisboot.cache.encryption.keys.b=" + KEY_B)
					.run((rotated) -> {
						Cache cache = rotated.getBean(CacheManager.class).getCache("patients");
						assertThat(((Product) cache.get(11L).get()).name()).isEqualTo("old");
						cache.put(12L, ProductService.product(12, "new"));
						assertThat(ValueEnvelope.readHeader(raw(rotated, key("patients", 12))).orElseThrow().getKeyId())
							.isEqualTo("b");
					});
				runner().withPropertyValues("redisboot.cache.caches.patients.encryption.enabled=true",
						"redisboot.cache.encryption.active-key-id=b", "redisboot.cache.encryption.keys.b=" + KEY_B)
					.run((withoutOldKey) -> assertThat(
							withoutOldKey.getBean(CacheManager.class).getCache("patients").get(11L))
						.as("a value whose key is gone is a miss")
						.isNull());
			});
	}

	@Test
	void plaintextPlantedInAnEncryptedCacheIsRefused() {
		runner().withPropertyValues("redisboot.cache.caches.patients.encryption.enabled=true",
				"redisboot.cache.encryption.active-key-id=a", "redisboot.cache.encryption.keys.a=" + KEY_A)
			.run((context) -> {
				String json = "{\"@class\":\"dev.redisboot.cache.fixtures.Product\",\"id\":13,\"name\":\"forged\","
						+ "\"price\":1,\"tags\":[]}";
				writeRaw(context, key("patients", 13), json.getBytes(StandardCharsets.UTF_8));
				assertThat(context.getBean(CacheManager.class).getCache("patients").get(13L)).isNull();
			});
	}

}

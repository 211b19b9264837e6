package dev.redisboot.core;

import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link KeyDigester}.
 */
class KeyDigesterTests {

	private static final String SECRET = Base64.getEncoder().encodeToString("0123456789abcdef0123".getBytes());

	@Test
	void digestsAreStableFixedLengthAndFreeOfTheValue() {
		KeyDigester digester = KeyDigester.of(SECRET);
		String digest = digester.digest("session", "ada@example.com");
		assertThat(digest).hasSize(32).matches("[A-Za-z0-9_-]{32}").doesNotContain("ada");
		assertThat(KeyDigester.of(SECRET).digest("session", "ada@example.com")).isEqualTo(digest);
	}

	@Test
	void domainsSecretsAndValuesSeparateDigests() {
		KeyDigester keyed = KeyDigester.of(SECRET);
		KeyDigester unkeyed = KeyDigester.unkeyed();
		String digest = keyed.digest("session", "1.2.3.4");
		assertThat(keyed.digest("ratelimit", "1.2.3.4")).isNotEqualTo(digest);
		assertThat(unkeyed.digest("session", "1.2.3.4")).isNotEqualTo(digest);
		assertThat(keyed.digest("session", "1.2.3.5")).isNotEqualTo(digest);
		// the separator keeps "ab"+"c" apart from "a"+"bc"
		assertThat(keyed.digest("ab", "c")).isNotEqualTo(keyed.digest("a", "bc"));
		assertThat(keyed.isKeyed()).isTrue();
		assertThat(unkeyed.isKeyed()).isFalse();
	}

	@Test
	void aShortOrMalformedSecretIsRefusedWithoutQuotingIt() {
		String shortSecret = Base64.getEncoder().encodeToString("tooshort".getBytes());
		assertThatExceptionOfType(InvalidPropertyException.class).isThrownBy(() -> KeyDigester.of(shortSecret))
			.withMessageContaining(KeyDigester.SECRET_PROPERTY)
			.withMessageContaining("8 bytes")
			.withMessageNotContaining(shortSecret);
		assertThatExceptionOfType(InvalidPropertyException.class).isThrownBy(() -> KeyDigester.of("not base64!!"))
			.withMessageContaining("not Base64")
			.withMessageNotContaining("not base64!!");
	}

	@Test
	void isSafeToShareBetweenThreads() throws Exception {
		KeyDigester digester = KeyDigester.of(SECRET);
		String expected = digester.digest("d", "v");
		Thread[] threads = new Thread[4];
		String[] results = new String[threads.length];
		for (int i = 0; i < threads.length; i++) {
			int index = i;
			threads[i] = new Thread(() -> {
				String last = null;
				for (int n = 0; n < 10_000; n++) {
					last = digester.digest("d", "v");
				}
				results[index] = last;
			});
			threads[i].start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(results).containsOnly(expected);
	}

	@Test
	void aPersonHasOneDisplayDigestDerivedFromThePrincipalDigestAndUnlikeAnyKeyDigest() {
		KeyDigester digester = KeyDigester.of(SECRET);
		String shown = digester.display("ada@example.com");
		assertThat(shown).matches("#[A-Za-z0-9_-]{12}");
		assertThat(digester.display("ada@example.com")).isEqualTo(shown);
		assertThat(digester.displayOfPrincipalDigest(digester.principalDigest("ada@example.com"))).isEqualTo(shown);
		assertThat(digester.principalDigest("ada@example.com"))
			.isEqualTo(digester.digest(KeyDigester.PRINCIPAL_DOMAIN, "ada@example.com"));
		assertThat(digester.display("grace@example.com")).isNotEqualTo(shown);
		assertThat(KeyDigester.of(null).display("ada@example.com")).as("keyed by the secret").isNotEqualTo(shown);
		for (String domain : new String[] { KeyDigester.PRINCIPAL_DOMAIN, "ratelimit", "audit", "session" }) {
			assertThat(digester.digest(domain, "ada@example.com")).doesNotStartWith(shown.substring(1));
		}
	}

}

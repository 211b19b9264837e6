package dev.redisboot.actuate;

import java.util.Set;

import dev.redisboot.core.KeyDigester;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KeyRedactor}: only names attributable to something non-secret are shown.
 */
class KeyRedactorTests {

	private final KeyRedactor prefixed = new KeyRedactor("sample", KeyDigester.of("c2VjcmV0LXNlY3JldC1zZWNyZXQ="),
			() -> Set.of("products"));

	private final KeyRedactor unprefixed = new KeyRedactor(null, KeyDigester.unkeyed(), () -> Set.of("products"));

	@Test
	void redisbootFamiliesShowTheirNonSecretNames() {
		assertThat(this.prefixed.key("sample:cache:products:42")).matches("sample:cache:products:#[\\w-]{12}");
		assertThat(this.prefixed.key("sample:cache-lock:products:42")).matches("sample:cache-lock:products:#[\\w-]{12}");
		assertThat(this.prefixed.key("sample:stream:{orders}")).isEqualTo("sample:stream:{orders}");
		assertThat(this.prefixed.key("sample:stream:{orders}:dead")).isEqualTo("sample:stream:{orders}:dead");
		assertThat(this.prefixed.key("sample:stream:{orders}:idempotency:order-7"))
			.matches("sample:stream:\\{orders\\}:idempotency:#[\\w-]{12}");
		assertThat(this.unprefixed.key("cache:products:42")).matches("cache:products:#[\\w-]{12}");
	}

	@Test
	void identifiersAndSecretsAreDigested() {
		String session = "sample:session:sessions:0b6f3c2e-5e2a-4d7f-9c1a-1f2e3d4c5b6a";
		assertThat(this.prefixed.key(session)).matches("sample:session:#[\\w-]{12}");
		assertThat(this.prefixed.key("sample:rl:login:203.0.113.9")).matches("sample:rl:#[\\w-]{12}")
			.doesNotContain("203.0.113.9", "login");
		// a cache name the application does not have may be anything, such as an e-mail address
		assertThat(this.prefixed.key("sample:cache:alice@example.com:1")).doesNotContain("alice");
		assertThat(this.unprefixed.key("cache:alice@example.com")).doesNotContain("alice");
		// stream names are shown under redisboot's prefix only
		assertThat(this.unprefixed.key("stream:{alice@example.com}")).doesNotContain("alice");
	}

	@Test
	void otherKeysShowTheirFirstSegmentOnly() {
		assertThat(this.prefixed.key("user:alice@example.com:profile")).matches("user:#[\\w-]{12}");
		assertThat(this.prefixed.key("alice@example.com")).matches("#[\\w-]{12}");
		assertThat(this.prefixed.key("sample:apikey:sk_live_123")).matches("sample:apikey:#[\\w-]{12}");
	}

	@Test
	void digestsTellKeysApartAndDependOnTheSecret() {
		assertThat(this.prefixed.key("user:1")).isNotEqualTo(this.prefixed.key("user:2"));
		assertThat(this.prefixed.key("user:1")).isEqualTo(this.prefixed.key("user:1"));
		assertThat(this.prefixed.key("user:1")).isNotEqualTo(this.unprefixed.key("user:1"));
	}

	@Test
	void bigKeyPatternsCannotTestWhatIsHidden() {
		assertThat(this.prefixed.isAllowedPattern("*")).isTrue();
		assertThat(this.prefixed.isAllowedPattern("sample:cache:products:*")).isTrue();
		assertThat(this.prefixed.isAllowedPattern("sample:session:*")).isTrue();
		assertThat(this.prefixed.isAllowedPattern("user:*")).isTrue();
		assertThat(this.unprefixed.isAllowedPattern("cache:products:*")).isTrue();
		// each would say whether a hidden part starts or ends with something
		assertThat(this.prefixed.isAllowedPattern("sample:session:sessions:0b6f*")).isFalse();
		assertThat(this.prefixed.isAllowedPattern("sample:session:*0b6f")).isFalse();
		assertThat(this.prefixed.isAllowedPattern("sample:session:*:0b6f*")).isFalse();
		assertThat(this.prefixed.isAllowedPattern("user:alice*")).isFalse();
		assertThat(this.prefixed.isAllowedPattern("alice@example.com")).isFalse();
		assertThat(this.prefixed.isAllowedPattern("sample:rl:login:203.0.113.?")).isFalse();
	}

	@Test
	void slowlogArgumentsAreKeysExceptForSubcommands() {
		assertThat(this.prefixed.firstArgument("CONFIG", "get")).isEqualTo("GET");
		assertThat(this.prefixed.firstArgument("GET", "sample:session:sessions:abc")).matches("sample:session:#[\\w-]{12}");
		assertThat(this.prefixed.firstArgument("CLIENT", "alice@example.com")).doesNotContain("alice");
		assertThat(this.prefixed.firstArgument("PING", null)).isNull();
	}

}

package dev.redisboot.core;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RedisKeyNamer}.
 */
class RedisKeyNamerTests {

	private final RedisKeyNamer prefixed = new RedisKeyNamer("prod");

	private final RedisKeyNamer unprefixed = new RedisKeyNamer();

	@Test
	void keyWithPrefix() {
		assertThat(this.prefixed.key("cache", "users", "123")).isEqualTo("prod:cache:users:123");
	}

	@Test
	void keyWithoutPrefix() {
		assertThat(this.unprefixed.key("cache", "users", "123")).isEqualTo("cache:users:123");
	}

	@Test
	void keyWithNullPrefixIsUnprefixed() {
		assertThat(new RedisKeyNamer(null).key("cache", "users")).isEqualTo("cache:users");
	}

	@Test
	void keyWithFeatureOnly() {
		assertThat(this.prefixed.key("ratelimit")).isEqualTo("prod:ratelimit");
		assertThat(this.unprefixed.key("ratelimit")).isEqualTo("ratelimit");
	}

	@Test
	void keyWithMultiSegmentPrefix() {
		assertThat(new RedisKeyNamer("shop:prod").key("cache", "users")).isEqualTo("shop:prod:cache:users");
	}

	@Test
	void keyTakesPartsLiterally() {
		assertThat(this.prefixed.key("cache", "users", "a*b?[c]\\d", "mail:x@y.z", ""))
			.isEqualTo("prod:cache:users:a*b?[c]\\d:mail:x@y.z:");
	}

	@Test
	void keyWithNullFeatureFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.prefixed.key(nullString(), "users"))
			.withMessageContaining("Feature");
	}

	@Test
	void keyWithEmptyFeatureFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.prefixed.key("", "users"))
			.withMessageContaining("Feature");
	}

	@ParameterizedTest
	@ValueSource(strings = { "ca:che", "{cache}", "ca che", "cache\t" })
	void keyWithMultiSegmentOrTaggedFeatureFails(String feature) {
		assertThatIllegalArgumentException().isThrownBy(() -> this.prefixed.key(feature, "users"))
			.withMessageContaining(feature);
	}

	@Test
	void keyWithNullPartFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.prefixed.key("cache", "users", nullString()));
	}

	@Test
	void keyWithNullPartsArrayFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.prefixed.key("cache", (String[]) null));
	}

	@Test
	void hashTaggedKeyWithPrefix() {
		assertThat(this.prefixed.hashTaggedKey("jobs", "email", "delayed")).isEqualTo("prod:jobs:{email}:delayed");
	}

	@Test
	void hashTaggedKeyWithoutPrefix() {
		assertThat(this.unprefixed.hashTaggedKey("jobs", "email", "delayed")).isEqualTo("jobs:{email}:delayed");
	}

	@Test
	void hashTaggedKeyWithTagOnly() {
		assertThat(this.prefixed.hashTaggedKey("ratelimit", "user-42")).isEqualTo("prod:ratelimit:{user-42}");
	}

	@Test
	void hashTaggedKeysOfOneUnitShareTheirHashTag() {
		String ready = this.prefixed.hashTaggedKey("jobs", "email", "ready");
		String delayed = this.prefixed.hashTaggedKey("jobs", "email", "delayed");
		assertThat(hashTagOf(ready)).isEqualTo("email").isEqualTo(hashTagOf(delayed));
	}

	@Test
	void hashTaggedKeyWithEmptyTagFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.prefixed.hashTaggedKey("jobs", "", "delayed"))
			.withMessageContaining("Hash tag");
	}

	@ParameterizedTest
	@ValueSource(strings = { "a}b", "{email}", "a{b" })
	void hashTaggedKeyWithBraceInTagFails(String tag) {
		assertThatIllegalArgumentException().isThrownBy(() -> this.prefixed.hashTaggedKey("jobs", tag))
			.withMessageContaining(tag);
	}

	@Test
	void patternMatchesEverythingUnderTheNamespace() {
		assertThat(this.prefixed.pattern("cache", "users")).isEqualTo("prod:cache:users:*");
		assertThat(this.unprefixed.pattern("cache", "users")).isEqualTo("cache:users:*");
		assertThat(this.prefixed.pattern("cache")).isEqualTo("prod:cache:*");
	}

	@Test
	void patternKeepsWildcardInIdLiteral() {
		String pattern = this.prefixed.pattern("cache", "users", "12*");
		assertThat(pattern).isEqualTo("prod:cache:users:12\\*:*");
		assertThat(globMatches(pattern, "prod:cache:users:12*:a")).isTrue();
		assertThat(globMatches(pattern, "prod:cache:users:123:a")).isFalse();
		assertThat(globMatches(pattern, "prod:cache:users:12:a")).isFalse();
	}

	@Test
	void patternEscapesEveryGlobCharacterInParts() {
		assertThat(this.prefixed.pattern("cache", "a*b?c[d]e\\f"))
			.isEqualTo("prod:cache:a\\*b\\?c\\[d\\]e\\\\f:*");
	}

	@Test
	void patternWithEmptyFeatureFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.prefixed.pattern("", "users"));
	}

	@Test
	void hashTaggedPattern() {
		assertThat(this.prefixed.hashTaggedPattern("jobs", "email")).isEqualTo("prod:jobs:{email}:*");
		assertThat(this.prefixed.hashTaggedPattern("jobs", "e*", "x?")).isEqualTo("prod:jobs:{e\\*}:x\\?:*");
	}

	@Test
	void patternMatchesTheKeysItDescribes() {
		String key = this.prefixed.key("cache", "users", "[admin]*", "1");
		assertThat(globMatches(this.prefixed.pattern("cache", "users", "[admin]*"), key)).isTrue();
		assertThat(globMatches(this.prefixed.pattern("cache", "users", "a"), key)).isFalse();
		String tagged = this.prefixed.hashTaggedKey("jobs", "e?", "ready");
		assertThat(globMatches(this.prefixed.hashTaggedPattern("jobs", "e?"), tagged)).isTrue();
		assertThat(globMatches(this.prefixed.hashTaggedPattern("jobs", "e?"), "prod:jobs:{ex}:ready")).isFalse();
	}

	@Test
	void escapeGlob() {
		assertThat(RedisKeyNamer.escapeGlob("*")).isEqualTo("\\*");
		assertThat(RedisKeyNamer.escapeGlob("?")).isEqualTo("\\?");
		assertThat(RedisKeyNamer.escapeGlob("[")).isEqualTo("\\[");
		assertThat(RedisKeyNamer.escapeGlob("]")).isEqualTo("\\]");
		assertThat(RedisKeyNamer.escapeGlob("\\")).isEqualTo("\\\\");
		assertThat(RedisKeyNamer.escapeGlob("a-b^c:d{e}")).isEqualTo("a-b^c:d{e}");
		assertThat(RedisKeyNamer.escapeGlob("")).isEmpty();
	}

	@Test
	void prefixWhenSet() {
		assertThat(this.prefixed.prefix()).contains("prod");
	}

	@Test
	void prefixWhenAbsent() {
		assertThat(this.unprefixed.prefix()).isEmpty();
	}

	@Test
	void blankPrefixFails() {
		assertInvalidPrefix("", "blank");
		assertInvalidPrefix("   ", "blank");
	}

	@ParameterizedTest
	@ValueSource(strings = { "bad prefix", "prod ", " prod", "pr\tod", "pr\nod", "pr\u0000od" })
	void prefixWithWhitespaceOrControlCharacterFails(String prefix) {
		assertInvalidPrefix(prefix, "whitespace");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{prod}", "pr{od", "pr}od", "prod*", "pr?d", "pr[o]d", "pr]od", "pr\\od" })
	void prefixWithForbiddenCharacterFails(String prefix) {
		assertInvalidPrefix(prefix, "must not contain '");
	}

	@ParameterizedTest
	@ValueSource(strings = { ":prod", "prod:", ":", "::" })
	void prefixStartingOrEndingWithSeparatorFails(String prefix) {
		assertInvalidPrefix(prefix, "start or end with ':'");
	}

	@Test
	void prefixWithEmptySegmentFails() {
		assertInvalidPrefix("shop::prod", "empty segments");
	}

	@ParameterizedTest
	@ValueSource(strings = { "prod", "shop:prod", "tenant-1", "my_app.v2", "p" })
	void validPrefixes(String prefix) {
		assertThat(new RedisKeyNamer(prefix).prefix()).contains(prefix);
	}

	@Test
	void invalidPrefixNamesPropertyValueReasonAndAction() {
		assertThatExceptionOfType(InvalidPropertyException.class).isThrownBy(() -> new RedisKeyNamer("bad prefix"))
			.satisfies((ex) -> {
				assertThat(ex.getPropertyName()).isEqualTo("redisboot.key-prefix");
				assertThat(ex.getValue()).isEqualTo("bad prefix");
				assertThat(ex.isValueWithheld()).isFalse();
				assertThat(ex.getReason()).contains("whitespace");
				assertThat(ex.getAction()).contains("'prod'").contains("Remove the property");
				assertThat(ex.getMessage()).contains("redisboot.key-prefix").contains("'bad prefix'");
			});
	}

	@Test
	void equalsAndHashCodeUsePrefix() {
		assertThat(new RedisKeyNamer("prod")).isEqualTo(this.prefixed).hasSameHashCodeAs(this.prefixed);
		assertThat(new RedisKeyNamer()).isEqualTo(this.unprefixed).isNotEqualTo(this.prefixed);
	}

	@Test
	void toStringShowsPrefix() {
		assertThat(this.prefixed).hasToString("RedisKeyNamer[prefix='prod']");
		assertThat(this.unprefixed).hasToString("RedisKeyNamer[prefix=<none>]");
	}

	private void assertInvalidPrefix(String prefix, String reason) {
		assertThatExceptionOfType(InvalidPropertyException.class).isThrownBy(() -> new RedisKeyNamer(prefix))
			.satisfies((ex) -> {
				assertThat(ex.getPropertyName()).isEqualTo(RedisKeyNamer.PREFIX_PROPERTY);
				assertThat(ex.getValue()).isEqualTo(prefix);
				assertThat(ex.getReason()).contains(reason);
			});
	}

	// Redis cluster's rule: the first '{' and the first '}' after it, if not empty
	private static String hashTagOf(String key) {
		int open = key.indexOf('{');
		int close = (open >= 0) ? key.indexOf('}', open + 1) : -1;
		return (close > open + 1) ? key.substring(open + 1, close) : key;
	}

	// Minimal port of Redis' stringmatchlen for the constructs the namer produces: '*'
	// and backslash escapes
	private static boolean globMatches(String pattern, String text) {
		return globMatches(pattern, 0, text, 0);
	}

	private static boolean globMatches(String pattern, int p, String text, int t) {
		while (p < pattern.length()) {
			char c = pattern.charAt(p);
			if (c == '*') {
				for (int i = t; i <= text.length(); i++) {
					if (globMatches(pattern, p + 1, text, i)) {
						return true;
					}
				}
				return false;
			}
			if (c == '?' || c == '[') {
				throw new IllegalArgumentException("Unescaped '" + c + "' in " + pattern);
			}
			if (c == '\\' && p + 1 < pattern.length()) {
				c = pattern.charAt(++p);
			}
			if (t >= text.length() || text.charAt(t) != c) {
				return false;
			}
			p++;
			t++;
		}
		return t == text.length();
	}

	// Callers without a nullness checker can still pass null
	private static @Nullable String nullString() {
		return null;
	}

}

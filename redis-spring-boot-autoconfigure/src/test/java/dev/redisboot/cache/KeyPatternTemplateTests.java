package dev.redisboot.cache;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.cache.interceptor.SimpleKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class KeyPatternTemplateTests {

	@Test
	void placeholdersAreEscapedAndTemplateWildcardsKept() {
		assertThat(KeyPatternTemplate.expand("tenant:{}:*", "a*b?[c]")).isEqualTo("tenant:a\\*b\\?\\[c\\]:*");
	}

	@Test
	void placeholderCountMustMatch() {
		assertThatIllegalArgumentException().isThrownBy(() -> KeyPatternTemplate.expand("{}:{}", "one"));
		assertThatIllegalArgumentException().isThrownBy(() -> KeyPatternTemplate.expand("{}", "one", "two"));
	}

	@Test
	void keyConversionOfCommonKeyTypes() {
		UUID id = UUID.randomUUID();
		assertThat(CacheKeyConverter.toKeyPart(42L)).isEqualTo("42");
		assertThat(CacheKeyConverter.toKeyPart(id)).isEqualTo(id.toString());
		assertThat(CacheKeyConverter.toKeyPart(new SimpleKey("EUR", 42))).isEqualTo("EUR,42");
		assertThat(CacheKeyConverter.toKeyPart(Thread.State.NEW)).isEqualTo("NEW");
	}

	@Test
	void differentParameterListsNeverShareAKey() {
		assertThat(CacheKeyConverter.toKeyPart(new SimpleKey("a, b", "c")))
			.isNotEqualTo(CacheKeyConverter.toKeyPart(new SimpleKey("a", "b, c")));
		assertThat(CacheKeyConverter.toKeyPart(new SimpleKey("a,b", "c")))
			.isNotEqualTo(CacheKeyConverter.toKeyPart(new SimpleKey("a", "b,c")));
		assertThat(CacheKeyConverter.toKeyPart(new SimpleKey(null, "x")))
			.isNotEqualTo(CacheKeyConverter.toKeyPart(new SimpleKey("null", "x")));
		assertThat(CacheKeyConverter.toKeyPart(new SimpleKey("a\\", "b")))
			.isNotEqualTo(CacheKeyConverter.toKeyPart(new SimpleKey("a", "\\b")));
	}

	@Test
	void parameterWithoutToStringIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CacheKeyConverter.toKeyPart(new SimpleKey("a", new Object())));
	}

	@Test
	void keyWithoutToStringIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CacheKeyConverter.toKeyPart(new Object()))
			.withMessageContaining("key = ");
	}

}

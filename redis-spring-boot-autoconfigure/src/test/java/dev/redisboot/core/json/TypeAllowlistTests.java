package dev.redisboot.core.json;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TypeAllowlistTests {

	private final TypeAllowlist allowlist = TypeAllowlist.of(List.of("com.example.shop"));

	@Test
	void allowsConfiguredPackagesAndTheirSubPackages() {
		assertThat(this.allowlist.isAllowed("com.example.shop.Product")).isTrue();
		assertThat(this.allowlist.isAllowed("com.example.shop.catalog.Item$Variant")).isTrue();
	}

	@Test
	void doesNotAllowAPackageThatMerelySharesThePrefix() {
		assertThat(this.allowlist.isAllowed("com.example.shopping.Evil")).isFalse();
	}

	@Test
	void allowsSafeJdkTypes() {
		assertThat(this.allowlist.isAllowed("java.lang.Long")).isTrue();
		assertThat(this.allowlist.isAllowed("java.time.Instant")).isTrue();
		assertThat(this.allowlist.isAllowed("java.util.ArrayList")).isTrue();
		assertThat(this.allowlist.isAllowed("java.util.ImmutableCollections$ListN")).isTrue();
		assertThat(this.allowlist.isAllowed("[Ljava.lang.String;")).isTrue();
		assertThat(this.allowlist.isAllowed("[I")).isTrue();
	}

	@Test
	void refusesKnownGadgets() {
		assertThat(this.allowlist.isAllowed("java.lang.ProcessBuilder")).isFalse();
		assertThat(this.allowlist.isAllowed("java.lang.Runtime")).isFalse();
		assertThat(this.allowlist.isAllowed("org.springframework.context.support.FileSystemXmlApplicationContext"))
			.isFalse();
		assertThat(this.allowlist.isAllowed("com.sun.rowset.JdbcRowSetImpl")).isFalse();
		assertThat(this.allowlist.isAllowed("javax.management.BadAttributeValueExpException")).isFalse();
		assertThat(this.allowlist.isAllowed("[Ljava.lang.ProcessBuilder;")).isFalse();
		assertThat(this.allowlist.isAllowed("")).isFalse();
	}

	@Test
	void refusesAPackageThatWouldAllowEverything() {
		assertThatIllegalArgumentException().isThrownBy(() -> TypeAllowlist.of(List.of("*")));
		assertThatIllegalArgumentException().isThrownBy(() -> TypeAllowlist.of(List.of(" ")));
		assertThatIllegalArgumentException().isThrownBy(() -> TypeAllowlist.of(List.of("com")));
		assertThatIllegalArgumentException().isThrownBy(() -> TypeAllowlist.of(List.of("org.springframework")));
		assertThatIllegalArgumentException().isThrownBy(() -> TypeAllowlist.of(List.of("java.util")));
		assertThatIllegalArgumentException().isThrownBy(() -> TypeAllowlist.of(List.of("javax.management")));
		assertThat(TypeAllowlist.of(List.of("org.springframework.samples.petclinic")).isAllowed(
				"org.springframework.samples.petclinic.Owner")).isTrue();
	}

}

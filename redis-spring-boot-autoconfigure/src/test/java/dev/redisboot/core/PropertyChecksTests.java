package dev.redisboot.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PropertyChecksTests {

	@Test
	void positiveAcceptsAPositiveDurationAndRejectsZeroNegativeAndNone() {
		assertThat(PropertyChecks.positive("redisboot.x", Duration.ofSeconds(1), "1s")).hasSeconds(1);
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> PropertyChecks.positive("redisboot.x", Duration.ZERO, "1s"))
			.satisfies((ex) -> {
				assertThat(ex.getPropertyName()).isEqualTo("redisboot.x");
				assertThat(ex.getReason()).isEqualTo("The duration must be positive");
				assertThat(ex.getAction()).contains("1s");
			});
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> PropertyChecks.positive("redisboot.x", Duration.ofMillis(-1), "1s"));
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> PropertyChecks.positive("redisboot.x", null, "1s"))
			.withMessageContaining("<none>");
	}

	@Test
	void positiveIfSetPassesNullThrough() {
		assertThat(PropertyChecks.positiveIfSet("redisboot.x", null, "1s")).isNull();
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> PropertyChecks.positiveIfSet("redisboot.x", Duration.ZERO, "1s"));
	}

	@Test
	void notNegativeAcceptsZero() {
		assertThat(PropertyChecks.notNegative("redisboot.x", Duration.ZERO, "2s")).isZero();
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> PropertyChecks.notNegative("redisboot.x", Duration.ofSeconds(-2), "2s"))
			.withMessageContaining("must not be negative");
	}

	@Test
	void atLeastNamesTheMinimum() {
		assertThat(PropertyChecks.atLeast("redisboot.n", 3, 1, "3")).isEqualTo(3);
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> PropertyChecks.atLeast("redisboot.n", 0, 1, "3"))
			.withMessageContaining("'0'")
			.withMessageContaining("at least 1");
	}

	@Test
	void betweenIncludesBothEnds() {
		assertThat(PropertyChecks.between("redisboot.p", 1, 1, 100, "90")).isEqualTo(1);
		assertThat(PropertyChecks.between("redisboot.p", 100, 1, 100, "90")).isEqualTo(100);
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> PropertyChecks.between("redisboot.p", 101, 1, 100, "90"))
			.withMessageContaining("from 1 to 100");
		assertThatExceptionOfType(InvalidPropertyException.class)
			.isThrownBy(() -> PropertyChecks.between("redisboot.p", 0, 1, 100, "90"));
	}

}

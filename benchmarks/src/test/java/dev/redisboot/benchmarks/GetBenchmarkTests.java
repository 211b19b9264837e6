package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@link GetBenchmark}: the trial setup, one call of each benchmark method and
 * the teardown, as JMH would drive them, so the build proves the benchmarks still work
 * without spending minutes measuring them.
 */
class GetBenchmarkTests {

	@ParameterizedTest
	@ValueSource(ints = { 1024, 10240 })
	void everyBenchmarkReadsTheSameValueOfTheRightSize(int valueSize) {
		GetBenchmark benchmark = new GetBenchmark();
		benchmark.valueSize = valueSize;
		benchmark.setUp();
		try {
			byte[] expected = benchmark.expectedValue();
			assertThat(expected).hasSize(valueSize);

			byte[] lettuce = benchmark.lettuceSync();
			String template = benchmark.stringRedisTemplate();

			assertThat(lettuce).hasSize(valueSize).isEqualTo(expected);
			assertThat(template).hasSize(valueSize);
			assertThat(template.getBytes(StandardCharsets.UTF_8)).isEqualTo(lettuce);
		}
		finally {
			benchmark.tearDown();
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 1024 })
	void valuesArePrintableAsciiAndDeterministic(int size) {
		byte[] value = GetBenchmark.asciiValue(size);
		assertThat(value).hasSize(size).isEqualTo(GetBenchmark.asciiValue(size));
		for (byte b : value) {
			assertThat(b).isBetween((byte) '!', (byte) '~');
		}
	}

}

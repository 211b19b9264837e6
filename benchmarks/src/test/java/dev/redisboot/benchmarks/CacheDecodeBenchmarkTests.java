package dev.redisboot.benchmarks;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@link CacheDecodeBenchmark}: every decode path gives the product back, and
 * the stored forms have the sizes {@link CacheHitBenchmark} stores.
 */
class CacheDecodeBenchmarkTests {

	@ParameterizedTest
	@ValueSource(ints = { 1024, 10240 })
	void everyDecodePathGivesTheProductBack(int valueSize) {
		CacheDecodeBenchmark benchmark = new CacheDecodeBenchmark();
		benchmark.valueSize = valueSize;
		benchmark.setUp();
		Product expected = benchmark.expectedProduct();
		assertThat(benchmark.redisboot()).isEqualTo(expected);
		assertThat(benchmark.redisbootUncompressed()).isEqualTo(expected);
		assertThat(benchmark.bootJdk()).isEqualTo(expected);
		assertThat(benchmark.bootJson()).isEqualTo(expected);
		int[] sizes = benchmark.storedSizes();
		// 3-byte header when uncompressed; compressed only above 1 KB
		assertThat(sizes[1]).isEqualTo(valueSize + 3);
		if (valueSize > 1024) {
			assertThat(sizes[0]).isLessThan(valueSize / 2);
		}
		else {
			assertThat(sizes[0]).isEqualTo(sizes[1]);
		}
		assertThat(sizes[2]).isGreaterThan(valueSize);
		assertThat(sizes[3]).isGreaterThan(valueSize);
	}

}

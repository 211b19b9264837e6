package dev.redisboot.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@link NearCacheInvalidationBenchmark}: two instances with a near cache, a few
 * dozen changes on instance A, each seen by instance B. B's method body never runs (A writes
 * every version first), and B reads from Redis about once per change and otherwise from memory.
 */
class NearCacheInvalidationBenchmarkTests {

	@Test
	void everyChangeOnOneInstanceIsSeenByTheOther() {
		NearCacheInvalidationBenchmark benchmark = new NearCacheInvalidationBenchmark();
		benchmark.setUp();
		try {
			benchmark.measureFromNowOn();
			int changes = 50;
			for (int i = 1; i <= changes; i++) {
				assertThat(benchmark.putSeenByOtherInstance()).isEqualTo(i);
			}
			benchmark.endMeasurement();
			long[] windows = benchmark.staleWindows();
			assertThat(windows).hasSize(changes);
			// Negative when B's poller did not run while a change went through, which a busy build machine allows.
			assertThat(windows[changes - 1]).as("longest stale window").isPositive().isLessThan(10_000_000_000L);
			assertThat(benchmark.readerLoads()).as("method body runs on B").isZero();
			// One read from Redis per change (a few more if a message raced a poll), the other polls from memory.
			assertThat(benchmark.getsDuringMeasurement()).as("B's reads from Redis")
				.isBetween((long) changes, changes + 5L);
			assertThat(benchmark.pollsDuringMeasurement()).as("B's reads").isGreaterThanOrEqualTo(changes);
			assertThat(benchmark.summary()).contains(changes + " changes");
		}
		finally {
			benchmark.tearDown();
		}
	}

	@Test
	void percentilesAreNearestRank() {
		long[] sorted = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
		assertThat(Percentiles.nearestRank(sorted, 0.5)).isEqualTo(5);
		assertThat(Percentiles.nearestRank(sorted, 0.9)).isEqualTo(9);
		assertThat(Percentiles.nearestRank(sorted, 0.99)).isEqualTo(10);
		assertThat(Percentiles.nearestRank(sorted, 0.0)).isEqualTo(1);
	}

}

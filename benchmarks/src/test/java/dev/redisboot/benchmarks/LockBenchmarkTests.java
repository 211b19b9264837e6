package dev.redisboot.benchmarks;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Smoke test of {@link LockBenchmark}: setup, each benchmark method and teardown, and the
 * round-trip counts the report relies on, with threads on one lock as well (counts, never
 * times).
 */
class LockBenchmarkTests {

	@Test
	void everyImplementationLocksAndRoundTripsAreCounted() throws InterruptedException {
		LockBenchmark benchmark = new LockBenchmark();
		benchmark.setUp();
		try {
			assertThat(benchmark.redisboot()).isTrue();
			assertThat(benchmark.redissonStyle()).isTrue();
			assertThat(benchmark.springIntegrationStyle()).isTrue();
			Map<String, Double> trips = benchmark.roundTrips(200);
			assertThat(trips.get("redisboot: acquire")).as("one EVALSHA per try-acquire").isCloseTo(1.0, within(0.001));
			assertThat(trips.get("redisboot: release")).as("one EVALSHA per release").isCloseTo(1.0, within(0.001));
			assertThat(trips.get("redisboot: try of a held lock")).isCloseTo(1.0, within(0.001));
			assertThat(trips.get("Redisson-style: acquire + release")).isCloseTo(2.0, within(0.001));
			assertThat(trips.get("Spring Integration-style: acquire + release")).isCloseTo(2.0, within(0.001));
			for (LockBenchmark.Implementation implementation : LockBenchmark.Implementation.values()) {
				LockBenchmark.Run spread = benchmark.run(implementation, 16, 10, false);
				assertThat(spread.acquired()).as(implementation.label + ": a lock per thread is always free")
					.isEqualTo(spread.tries());
				assertThat(spread.commandsPerTry()).isCloseTo(2.0, within(0.001));
				LockBenchmark.Run hot = benchmark.run(implementation, 16, 10, true);
				assertThat(hot.acquired()).as(implementation.label + ": one lock, some tries get it").isPositive();
				assertThat(hot.commandsPerTry()).as("a busy try costs one, a taken one two").isBetween(1.0, 2.0);
				assertThat(hot.p99Micros()).isGreaterThanOrEqualTo(hot.p50Micros()).isPositive();
			}
		}
		finally {
			benchmark.tearDown();
		}
	}

}

package dev.redisboot.benchmarks;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Smoke test of {@link RateLimitBenchmark}: setup, each benchmark method and teardown, and the
 * round-trip counts the report relies on.
 */
class RateLimitBenchmarkTests {

	@Test
	void everyImplementationAllowsAndRoundTripsAreCounted() throws InterruptedException {
		RateLimitBenchmark benchmark = new RateLimitBenchmark();
		benchmark.setUp();
		try {
			assertThat(benchmark.redisboot()).isTrue();
			assertThat(benchmark.bucket4jLettuce()).isTrue();
			assertThat(benchmark.luaTokenBucket()).isTrue();
			Map<String, Double> trips = benchmark.roundTripsPerDecision(200);
			assertThat(trips.get("redisboot")).as("one EVALSHA per decision on a known bucket")
				.isCloseTo(1.0, within(0.01));
			assertThat(trips.get("bucket4jLettuce")).as("GET and the swap script").isCloseTo(2.0, within(0.01));
			assertThat(trips.get("luaTokenBucket")).isCloseTo(1.0, within(0.01));
			assertThat(trips.get("redisboot, two instances taking turns")).as("a failed swap returns the state")
				.isCloseTo(2.0, within(0.05));
			assertThat(benchmark.roundTripsPerDecisionOnAHotBucket(4, 50)).as("lost races cost round trips")
				.isGreaterThanOrEqualTo(1.0);
		}
		finally {
			benchmark.tearDown();
		}
	}

}

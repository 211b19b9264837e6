package dev.redisboot.benchmarks;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Smoke test of {@link RateLimitBenchmark}: setup, each benchmark method and teardown, and the
 * round-trip counts the report relies on, with threads on one bucket as well (counts, never
 * times).
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
			assertThat(trips.get("redisboot, two instances taking turns")).as("no state in the JVM to go stale")
				.isCloseTo(1.0, within(0.01));
		}
		finally {
			benchmark.tearDown();
		}
	}

	@Test
	void theConcurrencyBenchmarkCountsAtMostOneRoundTripPerDecisionOfRedisbootOnAHotBucket() throws InterruptedException {
		RateLimitBenchmark benchmark = new RateLimitBenchmark();
		benchmark.setUp();
		try {
			for (int threads : new int[] { 16, 64 }) {
				RateLimitBenchmark.Run hot = benchmark.run(RateLimitBenchmark.Implementation.REDISBOOT, threads, 10, true);
				assertThat(hot.decisions()).isEqualTo(threads * 10L);
				assertThat(hot.allowed()).isEqualTo(hot.decisions());
				assertThat(hot.commandsPerDecision()).as("%d threads on one bucket: at most one, fewer when batched",
						threads).isPositive().isLessThanOrEqualTo(1.0);
				assertThat(hot.p99Micros()).isGreaterThanOrEqualTo(hot.p50Micros()).isPositive();
			}
			RateLimitBenchmark.Run spread = benchmark.run(RateLimitBenchmark.Implementation.REDISBOOT, 16, 10, false);
			assertThat(spread.commandsPerDecision()).isEqualTo(1.0);
			// the WebFlux path: the same script and batching, decisions in flight rather than threads waiting
			for (boolean hotBucket : new boolean[] { true, false }) {
				RateLimitBenchmark.Run reactive = benchmark.run(RateLimitBenchmark.Implementation.REDISBOOT_REACTIVE, 64,
						10, hotBucket);
				assertThat(reactive.decisions()).isEqualTo(640L);
				assertThat(reactive.allowed()).isEqualTo(reactive.decisions());
				assertThat(reactive.commandsPerDecision()).as("hot: %s", hotBucket).isPositive().isLessThanOrEqualTo(1.0);
			}
			RateLimitBenchmark.Run stock = benchmark.run(RateLimitBenchmark.Implementation.BUCKET4J, 16, 10, true);
			assertThat(stock.allowed()).isEqualTo(stock.decisions());
			assertThat(stock.commandsPerDecision()).as("a GET and a swap at least").isGreaterThanOrEqualTo(2.0);
			RateLimitBenchmark.Run batching = benchmark.run(RateLimitBenchmark.Implementation.BUCKET4J_BATCHING, 16, 10,
					true);
			assertThat(batching.allowed()).isEqualTo(batching.decisions());
			assertThat(batching.commandsPerDecision()).isPositive();
		}
		finally {
			benchmark.tearDown();
		}
	}

}

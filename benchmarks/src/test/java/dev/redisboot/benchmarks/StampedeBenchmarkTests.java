package dev.redisboot.benchmarks;

import dev.redisboot.benchmarks.StampedeBenchmark.Scenario;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@link StampedeBenchmark}: two rounds of {@value StampedeBenchmark#CALLERS}
 * concurrent callers, as JMH drives them (every caller gets the product, or the round fails),
 * for the scenarios that matter most, to keep the build short ({@code BenchmarksJarIT} runs
 * one round of every scenario from the jar). redisboot with {@code sync = true} or stampede
 * protection across two instances must load exactly once per round; Boot's default manager
 * with a plain {@code @Cacheable}, the control, loads more than once (how much more depends
 * on the machine, so only that is checked).
 */
class StampedeBenchmarkTests {

	@ParameterizedTest
	@EnumSource(names = { "BOOT_PLAIN", "REDISBOOT_PROTECTED", "REDISBOOT_SYNC_TWO_INSTANCES",
			"REDISBOOT_PROTECTED_TWO_INSTANCES" })
	void everyRoundServesEveryCallerAndRedisbootLoadsOnce(Scenario scenario) throws InterruptedException {
		StampedeBenchmark benchmark = new StampedeBenchmark();
		benchmark.scenario = scenario;
		benchmark.setUp();
		try {
			benchmark.measureFromNowOn();
			for (int round = 0; round < 2; round++) {
				StampedeBenchmark.LoaderCalls counters = new StampedeBenchmark.LoaderCalls();
				benchmark.prepareRound();
				benchmark.round(counters);
				benchmark.finishRound();
				assertThat(counters.loaderCalls).isEqualTo(benchmark.lastRoundLoads());
			}
			assertThat(benchmark.measuredRounds()).hasSize(2);
			switch (scenario) {
				case REDISBOOT_SYNC, REDISBOOT_PROTECTED, REDISBOOT_SYNC_TWO_INSTANCES,
						REDISBOOT_PROTECTED_TWO_INSTANCES, BOOT_LOCKING_SYNC_TWO_INSTANCES ->
					assertThat(benchmark.measuredRounds()).as("loader calls per round").containsOnly(1);
				default -> assertThat(benchmark.measuredRounds()).as("loader calls per round")
					.allSatisfy((calls) -> assertThat(calls).isGreaterThan(1));
			}
			assertThat(benchmark.summary()).contains(scenario.name());
		}
		finally {
			benchmark.tearDown();
		}
	}

}

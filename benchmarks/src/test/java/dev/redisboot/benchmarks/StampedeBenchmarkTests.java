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


	@ParameterizedTest
	@EnumSource(names = { "BOOT_PLAIN", "REDISBOOT_PROTECTED_TWO_INSTANCES" })
	void sixteenCallersAndCommandsPerRound(Scenario scenario) throws InterruptedException {
		StampedeBenchmark benchmark = new StampedeBenchmark();
		benchmark.scenario = scenario;
		benchmark.callers = 16;
		benchmark.setUp();
		try {
			benchmark.measureFromNowOn();
			for (int round = 0; round < 2; round++) {
				benchmark.prepareRound();
				benchmark.round(new StampedeBenchmark.LoaderCalls());
				benchmark.finishRound();
			}
			java.util.Map<String, Double> commands = benchmark.commandsSoFar();
			// every caller reads the key at least once
			assertThat(BenchmarkDeployment.total(commands, "get")).as("%s", commands).isGreaterThanOrEqualTo(16.0);
			if (scenario == Scenario.REDISBOOT_PROTECTED_TWO_INSTANCES) {
				assertThat(benchmark.measuredRounds()).containsOnly(1);
				// the one load stores the value, and takes the lock, once a round
				assertThat(BenchmarkDeployment.total(commands, "set")).as("%s", commands).isGreaterThanOrEqualTo(2.0);
			}
			assertThat(benchmark.summary()).contains("16 callers").contains("Redis commands per round");
		}
		finally {
			benchmark.tearDown();
		}
	}

	@org.junit.jupiter.api.Test
	void oneCallerLoadsOnce() throws InterruptedException {
		StampedeBenchmark benchmark = new StampedeBenchmark();
		benchmark.scenario = Scenario.BOOT_PLAIN;
		benchmark.callers = 1;
		benchmark.setUp();
		try {
			benchmark.measureFromNowOn();
			benchmark.prepareRound();
			benchmark.round(new StampedeBenchmark.LoaderCalls());
			benchmark.finishRound();
			assertThat(benchmark.measuredRounds()).containsExactly(1);
		}
		finally {
			benchmark.tearDown();
		}
	}

}

package dev.redisboot.benchmarks;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Smoke test of {@link ScheduleBenchmark}: setup, each benchmark method and teardown, one job
 * per fire time however many instances race, and the command counts the report relies on
 * (counts, never times).
 */
class ScheduleBenchmarkTests {

	@Test
	void oneJobPerFireTimeAndCommandsPerFireAreCounted() throws Exception {
		ScheduleBenchmark benchmark = new ScheduleBenchmark();
		benchmark.setUp();
		try {
			long before = benchmark.jobs();
			Map<String, Double> perFire = benchmark.commandsPerFire(20);
			// 20 rounds of 10 schedules for one instance, and as many for three
			assertThat(benchmark.jobs() - before).as("one job per fire time").isEqualTo(400);
			assertThat(perFire.get("1 instance")).as("read, enqueue, advance").isCloseTo(3.0, within(0.001));
			assertThat(perFire.get("3 instances")).as("the winner's 3, a read or a read and an enqueue for the others")
				.isBetween(5.0, 7.0);
			assertThat(perFire.get("plain XADD")).isCloseTo(1.0, within(0.001));
		}
		finally {
			benchmark.tearDown();
		}
	}

}

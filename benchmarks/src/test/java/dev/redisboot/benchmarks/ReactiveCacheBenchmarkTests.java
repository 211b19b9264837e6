package dev.redisboot.benchmarks;

import java.util.Map;
import java.util.function.Function;

import dev.redisboot.benchmarks.ConcurrentCacheBenchmark.Cursor;
import dev.redisboot.benchmarks.ReactiveCacheBenchmark.Keys;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Smoke test of {@link ReactiveCacheBenchmark}: both methods called by 16 threads at once, as
 * JMH's {@code -t 16} would, every call a hit returning the product with one {@code GET} and
 * no other command, the blocking and the non-blocking path alike.
 */
class ReactiveCacheBenchmarkTests {

	@ParameterizedTest
	@EnumSource(Keys.class)
	void everyCallIsAHitWithOneGet(Keys keys) throws Exception {
		ReactiveCacheBenchmark benchmark = new ReactiveCacheBenchmark();
		benchmark.keys = keys;
		benchmark.start("smoke test");
		try {
			Map<String, Double> blocking = run(benchmark, benchmark::blockingGet);
			assertThat(BenchmarkDeployment.total(blocking, "get")).as("%s", blocking).isCloseTo(1.0, within(0.01));
			Map<String, Double> retrieve = run(benchmark, benchmark::retrieve);
			assertThat(BenchmarkDeployment.total(retrieve, "get")).as("%s", retrieve).isCloseTo(1.0, within(0.01));
			assertThat(retrieve.values().stream().mapToDouble(Double::doubleValue).sum()).as("only GETs %s", retrieve)
				.isCloseTo(1.0, within(0.01));
			assertThat(benchmark.loads()).isZero();
			assertThat(benchmark.summary()).contains(keys.name());
		}
		finally {
			benchmark.tearDown();
		}
	}

	private static Map<String, Double> run(ReactiveCacheBenchmark benchmark, Function<Cursor, Object> method)
			throws Exception {
		benchmark.resetCounts();
		ConcurrentCacheBenchmarkTests.callTogether(method);
		return benchmark.commandsPerCall();
	}

}

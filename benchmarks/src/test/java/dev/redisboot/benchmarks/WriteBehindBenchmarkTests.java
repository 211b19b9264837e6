package dev.redisboot.benchmarks;

import dev.redisboot.benchmarks.WriteBehindBenchmark.Implementation;
import dev.redisboot.benchmarks.WriteBehindBenchmark.Run;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Smoke test of {@link WriteBehindBenchmark}: setup, each benchmark method and teardown, and
 * the counts the report relies on (counts, never times): the caller's Redis commands per
 * write, every write reaching the database once on spread keys, coalescing on the hot key
 * with the last value written, and one database write per write-through.
 */
class WriteBehindBenchmarkTests {

	@Test
	void writesReachTheDatabaseCoalescedOnAHotKeyAndCommandsAreCounted() throws InterruptedException {
		WriteBehindBenchmark benchmark = new WriteBehindBenchmark();
		benchmark.setUp();
		try {
			assertThat(benchmark.writeBehind()).isPositive();
			assertThat(benchmark.writeThrough()).isPositive();
			benchmark.awaitDrained(java.time.Duration.ofSeconds(30));
			Run spread = benchmark.run(Implementation.WRITE_BEHIND, 16, 10, false);
			assertThat(spread.writes()).isEqualTo(160);
			assertThat(spread.callerCommandsPerWrite()).as("record, enqueue, cache put").isCloseTo(3.0, within(0.001));
			assertThat(spread.databaseWrites()).as("nothing to coalesce: a key per write").isEqualTo(160);
			assertThat(spread.allCommandsPerWrite()).as("the jobs' side too").isGreaterThan(4.0);
			Run hot = benchmark.run(Implementation.WRITE_BEHIND, 16, 10, true);
			assertThat(hot.callerCommandsPerWrite()).as("record and cache put; an enqueue when no job is queued")
				.isBetween(2.0, 3.0);
			assertThat(hot.databaseWrites()).as("coalesced").isBetween(1L, 159L);
			long last = benchmark.write(Implementation.WRITE_BEHIND, "last");
			benchmark.write(Implementation.WRITE_BEHIND, "last");
			benchmark.awaitDrained(java.time.Duration.ofSeconds(30));
			assertThat(benchmark.behindDatabase().row("last")).as("the latest value written").isEqualTo(last + 1);
			Run through = benchmark.run(Implementation.WRITE_THROUGH, 16, 10, true);
			assertThat(through.databaseWrites()).isEqualTo(160);
			assertThat(through.callerCommandsPerWrite()).as("the cache put").isCloseTo(1.0, within(0.001));
			assertThat(through.p50Micros()).as("at least the database's latency")
				.isGreaterThanOrEqualTo(WriteBehindBenchmark.DB_LATENCY_MICROS);
			assertThat(benchmark.synchronousDatabase().meanMicros())
				.isGreaterThanOrEqualTo(WriteBehindBenchmark.DB_LATENCY_MICROS);
		}
		finally {
			benchmark.tearDown();
		}
	}

}

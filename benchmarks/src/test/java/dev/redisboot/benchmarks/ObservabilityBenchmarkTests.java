package dev.redisboot.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.redisboot.actuate.RedisServerHealthIndicator;
import dev.redisboot.benchmarks.ObservabilityBenchmark.CommandLatency;
import dev.redisboot.benchmarks.ObservabilityBenchmark.Commands;
import dev.redisboot.benchmarks.ObservabilityBenchmark.HealthCheck;
import dev.redisboot.benchmarks.ObservabilityBenchmark.Recording;
import dev.redisboot.benchmarks.ObservabilityBenchmark.Series;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.data.redis.health.DataRedisHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@link ObservabilityBenchmark}: the trial setup, the benchmark methods and
 * the teardown of every variant, and the figures the report relies on:
 * <ul>
 * <li>every recorder's {@code GET} answers the stored value; the timers of redisboot's and
 * Lettuce's recorders count every {@code GET} exactly once, and no recorder registers
 * nothing; the same for the recorders called alone ({@code record});</li>
 * <li>the meters and Prometheus series each recorder registers for {@code GET}s on 1 and on
 * {@value ObservabilityBenchmark#CONNECTIONS} connections of one server: redisboot's one timer
 * per command type whatever the connections (17 series each with histogram buckets, 3
 * without), Lettuce's two timers per command type and remote address by default (6 series),
 * or per connection with its local-address tag;</li>
 * <li>the Redis commands per health check, counted by the application's client and in
 * Redis's {@code INFO commandstats}: one {@code INFO} per check for Boot's indicator and for
 * redisboot's with {@code cache-time-to-live=0}, none for checks within redisboot's default
 * 2 s.</li>
 * </ul>
 */
class ObservabilityBenchmarkTests {

	private static final int GETS = 50;

	private static final int CHECKS = 200;

	/**
	 * The command types a connection of the client sends: Lettuce's handshake ({@code HELLO},
	 * {@code CLIENT SETINFO}) and the benchmark's {@code GET}.
	 */
	private static final Set<String> COMMANDS = Set.of("CLIENT", "GET", "HELLO");

	@ParameterizedTest
	@ValueSource(strings = { "none", "redisboot", "redisboot-no-histogram", "lettuce", "lettuce-per-connection" })
	void everyRecorderReadsTheValueAndTheTimersCountEveryGet(String recorder) {
		CommandLatency latency = start(recorder);
		try {
			long setupGets = (long) ObservabilityBenchmark.SETUP_GETS * ObservabilityBenchmark.CONNECTIONS;
			long before = latency.recordedGets();
			ObservabilityBenchmark benchmark = new ObservabilityBenchmark();
			for (int i = 0; i < GETS; i++) {
				assertThat(benchmark.get(latency)).isEqualTo(ObservabilityBenchmark.VALUE);
			}
			if (recorder.equals("none")) {
				assertThat(latency.meters().count()).as("meters without a recorder").isZero();
				assertThat(latency.recordedGets()).isZero();
			}
			else {
				// the recorder runs on the event loop before the command completes: counted by the time get() returns
				assertThat(before).as("GETs recorded in the setup").isEqualTo(setupGets);
				assertThat(latency.recordedGets() - before).as("GETs recorded by the benchmark method").isEqualTo(GETS);
				assertThat(latency.meters().values("command")).isEqualTo(COMMANDS);
			}
		}
		finally {
			latency.tearDown();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "none", "redisboot", "redisboot-no-histogram", "lettuce", "lettuce-per-connection" })
	void theRecorderAloneRecordsEveryCall(String recorder) {
		Recording recording = new Recording();
		recording.recorder = recorder;
		recording.setUp();
		try {
			ObservabilityBenchmark benchmark = new ObservabilityBenchmark();
			for (int i = 0; i < GETS; i++) {
				benchmark.record(recording);
			}
			MeterRegistry registry = recording.registry();
			if (recorder.equals("none")) {
				assertThat(registry.getMeters()).isEmpty();
			}
			else {
				String name = recorder.startsWith("redisboot") ? "redis.client.commands" : "lettuce.command.completion";
				Timer timer = registry.get(name).tag("command", "GET").timer();
				assertThat(timer.count()).isEqualTo(GETS);
				// 80 to 600 µs in turn
				assertThat(timer.max(TimeUnit.MICROSECONDS)).isEqualTo(600.0);
				// a SimpleMeterRegistry also shows each histogram bucket as a gauge named <timer>.histogram
				assertThat(registry.getMeters()
					.stream()
					.filter((meter) -> !meter.getId().getName().endsWith(".histogram"))).hasSize(recorder.startsWith("redisboot") ? 1 : 2);
			}
		}
		finally {
			recording.tearDown();
		}
	}

	@Test
	void withoutRecorderNothingIsExported() {
		CommandLatency latency = start("none");
		try {
			Series series = latency.countSeries(ObservabilityBenchmark.CONNECTIONS, 10);
			assertThat(series.meters().count()).isZero();
			assertThat(series.total()).isZero();
		}
		finally {
			latency.tearDown();
		}
	}

	@Test
	void redisbootRegistersOneTimerPerCommandTypeWhateverTheConnections() {
		CommandLatency latency = start("redisboot");
		try {
			for (int connections : new int[] { 1, ObservabilityBenchmark.CONNECTIONS }) {
				Series series = latency.countSeries(connections, 10);
				assertThat(series.meters().byName()).as("meters, %d connections", connections)
					.isEqualTo(Map.of("redis.client.commands", 3L));
				assertThat(series.meters().tagValues()).isEqualTo(Map.of("command", COMMANDS));
				// 13 histogram buckets from 100 µs to 1 s (and +Inf), then count, sum and max, for each command type
				assertThat(series.samples()).as("series, %d connections", connections)
					.isEqualTo(Map.of("redis_client_commands_seconds_bucket", 3L * 14,
							"redis_client_commands_seconds_count", 3L, "redis_client_commands_seconds_sum", 3L,
							"redis_client_commands_seconds_max", 3L));
				assertThat(series.total()).isEqualTo(3 * 17);
			}
		}
		finally {
			latency.tearDown();
		}
	}

	@Test
	void redisbootWithoutHistogramExportsThreeSeriesPerCommandType() {
		CommandLatency latency = start("redisboot-no-histogram");
		try {
			Series series = latency.countSeries(ObservabilityBenchmark.CONNECTIONS, 10);
			assertThat(series.meters().byName()).isEqualTo(Map.of("redis.client.commands", 3L));
			assertThat(series.samples()).isEqualTo(Map.of("redis_client_commands_seconds_count", 3L,
					"redis_client_commands_seconds_sum", 3L, "redis_client_commands_seconds_max", 3L));
		}
		finally {
			latency.tearDown();
		}
	}

	@Test
	void lettuceRegistersTwoTimersPerCommandTypeAndRemoteAddressByDefault() {
		CommandLatency latency = start("lettuce");
		try {
			for (int connections : new int[] { 1, ObservabilityBenchmark.CONNECTIONS }) {
				Series series = latency.countSeries(connections, 10);
				assertThat(series.meters().byName()).as("meters, %d connections", connections)
					.isEqualTo(Map.of("lettuce.command.completion", 3L, "lettuce.command.firstresponse", 3L));
				assertThat(series.meters().values("command")).isEqualTo(COMMANDS);
				// MicrometerOptions.create(): no local distinction, so every connection shares the "local:any" tag
				assertThat(series.meters().values("local")).containsExactly("local:any");
				assertThat(series.meters().values("remote")).hasSize(1);
				// no histogram by default: count, sum and max of both timers
				assertThat(series.total()).as("series, %d connections", connections).isEqualTo(3 * 2 * 3);
			}
		}
		finally {
			latency.tearDown();
		}
	}

	@Test
	void lettuceWithLocalDistinctionRegistersTimersPerConnection() {
		CommandLatency latency = start("lettuce-per-connection");
		try {
			Series one = latency.countSeries(1, 10);
			assertThat(one.meters().count()).isEqualTo(3 * 2);
			assertThat(one.total()).isEqualTo(3 * 2 * 3);
			Series four = latency.countSeries(ObservabilityBenchmark.CONNECTIONS, 10);
			assertThat(four.meters().byName()).isEqualTo(Map.of("lettuce.command.completion", 3L * 4,
					"lettuce.command.firstresponse", 3L * 4));
			assertThat(four.meters().values("local")).hasSize(4);
			assertThat(four.total()).isEqualTo(4 * 3 * 2 * 3);
		}
		finally {
			latency.tearDown();
		}
	}

	@Test
	void bootSendsOneInfoPerCheck() {
		HealthCheck check = start("boot", DataRedisHealthIndicator.class);
		try {
			Health health = new ObservabilityBenchmark().health(check);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsOnlyKeys("version");
			Commands commands = check.countCommands(CHECKS);
			assertThat(commands.sent()).as("commands sent").isEqualTo(Map.of("info", (long) CHECKS));
			assertThat(commands.server()).as("commands Redis ran").isEqualTo(commands.sent());
			assertThat(commands.sentPerCheck()).isEqualTo(1.0);
		}
		finally {
			check.tearDown();
		}
	}

	@Test
	void redisbootWithoutCacheSendsOneInfoPerCheck() {
		HealthCheck check = start("redisboot-fresh", RedisServerHealthIndicator.class);
		try {
			assertThat(check.cacheTimeToLive()).isZero();
			Health health = new ObservabilityBenchmark().health(check);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsKeys("mode", "version", "role", "usedMemory", "maxmemoryPolicy", "connectedClients", "uptime");
			Commands commands = check.countCommands(CHECKS);
			assertThat(commands.sent()).as("commands sent").isEqualTo(Map.of("info", (long) CHECKS));
			assertThat(commands.server()).as("commands Redis ran").isEqualTo(commands.sent());
			assertThat(commands.sentPerCheck()).isEqualTo(1.0);
		}
		finally {
			check.tearDown();
		}
	}

	@Test
	void redisbootWithItsDefaultCacheSendsNothingWithinTwoSeconds() {
		HealthCheck check = start("redisboot-cached", RedisServerHealthIndicator.class);
		try {
			Duration ttl = check.cacheTimeToLive();
			assertThat(ttl).as("the default cache-time-to-live").isEqualTo(Duration.ofSeconds(2));
			Health health = new ObservabilityBenchmark().health(check);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsKeys("mode", "version", "role", "usedMemory", "maxmemoryPolicy", "connectedClients", "uptime");
			Commands commands = check.countCommands(CHECKS);
			assertThat(commands.server()).as("commands Redis ran").isEqualTo(commands.sent());
			if (commands.nanos() < ttl.toNanos()) {
				assertThat(commands.sent()).as("commands sent by %d checks in %d ms", CHECKS, commands.nanos() / 1_000_000)
					.isEmpty();
			}
			else {
				// a very slow machine: at most one INFO per time to live, and nothing else
				assertThat(commands.sent()).containsOnlyKeys("info");
				assertThat(commands.sent().get("info")).isLessThanOrEqualTo(commands.nanos() / ttl.toNanos() + 1);
			}
		}
		finally {
			check.tearDown();
		}
	}

	private static CommandLatency start(String recorder) {
		CommandLatency latency = new CommandLatency();
		latency.recorder = recorder;
		latency.setUp();
		return latency;
	}

	private static HealthCheck start(String indicator, Class<?> expected) {
		HealthCheck check = new HealthCheck();
		check.indicator = indicator;
		check.setUp();
		try {
			assertThat(check.healthIndicator()).isInstanceOf(expected);
		}
		catch (AssertionError ex) {
			check.tearDown();
			throw ex;
		}
		return check;
	}

}

package dev.redisboot.benchmarks;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.redisboot.actuate.CommandLatencyTimers;
import dev.redisboot.actuate.RedisServerHealthIndicator;
import dev.redisboot.actuate.autoconfigure.RedisbootObservabilityAutoConfiguration;
import dev.redisboot.actuate.autoconfigure.RedisbootObservabilityProperties;
import dev.redisboot.benchmarks.SessionBenchmark.CountingPostProcessor;
import dev.redisboot.benchmarks.SessionBenchmark.RedisCommandCounter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerCommandLatencyRecorder;
import io.lettuce.core.metrics.MicrometerOptions;
import io.lettuce.core.output.ByteArrayOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration;
import org.springframework.boot.data.redis.health.DataRedisHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What redisboot's observability costs, against baselines, single-threaded, against a
 * redis-server of the benchmark's own on a loopback port. Three benchmarks, each with its own
 * state and parameter:
 * <ul>
 * <li>{@link #get}: one synchronous {@code GET} of a {@value #VALUE_SIZE}-byte value on a raw
 * Lettuce connection ({@link ByteArrayCodec}) whose client's {@link ClientResources} carry
 * the {@link CommandLatency#recorder}:
 * <ul>
 * <li>{@code none}: {@link CommandLatencyRecorder#disabled()}, the baseline: Lettuce neither
 * wraps the command nor reads the clock for it;</li>
 * <li>{@code redisboot}: redisboot's {@link CommandLatencyTimers} on a
 * {@link SimpleMeterRegistry}, with histogram buckets (as
 * {@code redisboot.observability.command-latency.enabled=true} registers it by default): one
 * timer {@code redis.client.commands} per command type;</li>
 * <li>{@code redisboot-no-histogram} (not run by default; {@code -p recorder=...}): the same
 * with {@code redisboot.observability.command-latency.histogram=false};</li>
 * <li>{@code lettuce}: Lettuce's own {@link MicrometerCommandLatencyRecorder} with
 * {@link MicrometerOptions#create()} (no histogram, no local-address tag) on a
 * {@link SimpleMeterRegistry}: two timers ({@code lettuce.command.completion} and
 * {@code lettuce.command.firstresponse}) per command type and remote address;</li>
 * <li>{@code lettuce-per-connection} (not run by default; {@code -p recorder=...}): the same
 * with {@code localDistinction(true)}, which adds the local address, so one pair of timers per
 * command type and connection.</li>
 * </ul>
 * The client has {@value #CONNECTIONS} connections, each of which runs
 * {@value #SETUP_GETS} {@code GET}s in the trial setup; the benchmark uses the first. The
 * trial setup prints the meters the recorder registered then, and the series that the same
 * recorder exports to Prometheus after the same work on a client of its own
 * ({@link CommandLatency#countSeries}); the teardown prints how many {@code GET}s the timers
 * recorded in the trial.</li>
 * <li>{@link #record}: the same recorders on a {@link SimpleMeterRegistry} called directly,
 * no Redis, no connection, as Lettuce's {@code CommandHandler} calls them after decoding a
 * reply ({@link Recording}): what the recorder itself adds to every command, in nanoseconds,
 * which the round-trip noise of {@link #get} hides. It leaves out what Lettuce does for any
 * enabled recorder around the call (wrapping the command, reading the clock at dispatch and
 * reply).</li>
 * <li>{@link #health}: one call of {@link HealthIndicator#health()} of the Redis health
 * indicator that a Boot application has (bean {@code redisHealthContributor}), the
 * {@link HealthCheck#indicator}:
 * <ul>
 * <li>{@code boot}: Spring Boot's {@link DataRedisHealthIndicator}
 * ({@link DataRedisHealthContributorAutoConfiguration}), the baseline: {@code INFO} on every
 * check, the version as its only detail;</li>
 * <li>{@code redisboot-fresh}: redisboot's {@link RedisServerHealthIndicator}
 * ({@link RedisbootObservabilityAutoConfiguration}, which Boot's backs off from) with
 * {@code redisboot.observability.health.cache-time-to-live=0}: {@code INFO} on every check,
 * parsed into the details an operator reads first;</li>
 * <li>{@code redisboot-cached}: the same at its default, a reading reused for 2 s.</li>
 * </ul>
 * Redis commands per check are counted two ways ({@link HealthCheck#countCommands}): by a
 * Lettuce command listener on the application's client, and from {@code INFO commandstats}
 * deltas. The trial setup prints both for {@value #COUNTED_CHECKS} checks, and the teardown
 * the commands sent over all the trial's checks.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ObservabilityBenchmark {

	/**
	 * Size of the value {@link #get} reads.
	 */
	static final int VALUE_SIZE = 64;

	/**
	 * Connections of the client with the latency recorder.
	 */
	static final int CONNECTIONS = 4;

	/**
	 * {@code GET}s on every connection in the trial setup.
	 */
	static final int SETUP_GETS = 1000;

	/**
	 * Health checks counted by the trial setup.
	 */
	static final int COUNTED_CHECKS = 1000;

	static final byte[] KEY = "redisboot:bench:observability".getBytes(StandardCharsets.UTF_8);

	static final byte[] VALUE = GetBenchmark.asciiValue(VALUE_SIZE);

	/**
	 * One synchronous {@code GET} with the state's latency recorder.
	 * @param latency the state
	 * @return the value
	 */
	@Benchmark
	public byte[] get(CommandLatency latency) {
		return latency.get();
	}

	/**
	 * The recorder alone, no Redis: one call as Lettuce's {@code CommandHandler} makes it
	 * when a reply has been decoded, with a {@code GET} command and the addresses of a real
	 * connection.
	 * @param recording the state
	 */
	@Benchmark
	@OutputTimeUnit(TimeUnit.NANOSECONDS)
	public void record(Recording recording) {
		recording.record();
	}

	/**
	 * One health check of the state's indicator.
	 * @param check the state
	 * @return the health
	 */
	@Benchmark
	public Health health(HealthCheck check) {
		return check.health();
	}

	/**
	 * Prints the series every recorder exports and the commands every health indicator
	 * sends: {@code java -cp benchmarks.jar dev.redisboot.benchmarks.ObservabilityBenchmark}.
	 * @param args ignored
	 */
	public static void main(String[] args) {
		for (Recorder recorder : Recorder.values()) {
			CommandLatency latency = new CommandLatency();
			latency.recorder = recorder.name;
			latency.setUp();
			try {
				System.out.println(recorder.name + ": " + latency.countSeries(CONNECTIONS, 10_000));
			}
			finally {
				latency.tearDown();
			}
		}
		for (Indicator indicator : Indicator.values()) {
			HealthCheck check = new HealthCheck();
			check.indicator = indicator.name;
			check.setUp();
			try {
				System.out.println(indicator.name + ": " + check.countCommands(10_000));
			}
			finally {
				check.tearDown();
			}
		}
	}

	/**
	 * The latency recorders, by their {@link CommandLatency#recorder} names.
	 */
	enum Recorder {

		NONE("none", null, (registry) -> CommandLatencyRecorder.disabled()),

		REDISBOOT("redisboot", "redis.client.commands", (registry) -> new CommandLatencyTimers(registry, true)),

		REDISBOOT_NO_HISTOGRAM("redisboot-no-histogram", "redis.client.commands",
				(registry) -> new CommandLatencyTimers(registry, false)),

		LETTUCE("lettuce", "lettuce.command.completion",
				(registry) -> new MicrometerCommandLatencyRecorder(registry, MicrometerOptions.create())),

		LETTUCE_PER_CONNECTION("lettuce-per-connection", "lettuce.command.completion",
				(registry) -> new MicrometerCommandLatencyRecorder(registry,
						MicrometerOptions.builder().localDistinction(true).build()));

		private final String name;

		private final String completionTimer;

		private final Function<MeterRegistry, CommandLatencyRecorder> factory;

		Recorder(String name, String completionTimer, Function<MeterRegistry, CommandLatencyRecorder> factory) {
			this.name = name;
			this.completionTimer = completionTimer;
			this.factory = factory;
		}

		CommandLatencyRecorder create(MeterRegistry registry) {
			return this.factory.apply(registry);
		}

		static Recorder of(String name) {
			for (Recorder recorder : values()) {
				if (recorder.name.equals(name)) {
					return recorder;
				}
			}
			throw new IllegalArgumentException("Unknown recorder " + name);
		}

	}

	/**
	 * A client with {@value ObservabilityBenchmark#CONNECTIONS} connections and a latency
	 * recorder on a {@link SimpleMeterRegistry}.
	 */
	@State(Scope.Benchmark)
	public static class CommandLatency {

		/**
		 * The latency recorder: {@code none}, {@code redisboot}, {@code lettuce}, or one of
		 * those not run by default, {@code redisboot-no-histogram} and
		 * {@code lettuce-per-connection} (see the class description).
		 */
		@Param({ "none", "redisboot", "lettuce" })
		public String recorder;

		private Recorder kind;

		private BenchmarkRedis redis;

		private MeterRegistry registry;

		private List<StatefulRedisConnection<byte[], byte[]>> connections;

		private RedisCommands<byte[], byte[]> commands;

		private long recordedAtSetup;

		@Setup(Level.Trial)
		public void setUp() {
			this.kind = Recorder.of(this.recorder);
			this.redis = BenchmarkRedis.start();
			Trial.setUp(() -> {
				// on the raw connection, which has no recorder: the registry sees the benchmark client's commands only
				this.redis.rawLettuce().set(KEY, VALUE);
				this.registry = new SimpleMeterRegistry();
				this.connections = connect(this.kind.create(this.registry), CONNECTIONS);
				this.commands = this.connections.get(0).sync();
				getOnEvery(this.connections, SETUP_GETS);
				this.recordedAtSetup = recordedGets();
				System.out.println("ObservabilityBenchmark recorder=" + this.recorder + ", after " + SETUP_GETS
						+ " GETs on each of " + CONNECTIONS + " connections: " + meters() + "; to Prometheus: "
						+ countSeries(CONNECTIONS, SETUP_GETS));
			}, this::tearDown);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			try {
				if (this.registry != null && this.kind != Recorder.NONE) {
					System.out.println("ObservabilityBenchmark recorder=" + this.recorder + ": "
							+ (recordedGets() - this.recordedAtSetup) + " GETs recorded after the setup; " + meters());
				}
				if (this.redis != null) {
					this.redis.close();
				}
			}
			finally {
				this.redis = null;
				this.connections = null;
				this.commands = null;
			}
		}

		/**
		 * One synchronous {@code GET} on the first connection.
		 * @return the value
		 */
		byte[] get() {
			return this.commands.get(KEY);
		}

		/**
		 * The {@code GET}s the recorder's completion timers have counted, over all their
		 * series; 0 without a recorder.
		 * @return the count
		 */
		long recordedGets() {
			if (this.kind.completionTimer == null) {
				return 0;
			}
			return this.registry.find(this.kind.completionTimer)
				.tag("command", "GET")
				.timers()
				.stream()
				.mapToLong(Timer::count)
				.sum();
		}

		/**
		 * The meters the recorder has registered so far.
		 * @return the meters
		 */
		Meters meters() {
			return Meters.of(this.registry);
		}

		/**
		 * Runs the same recorder on a {@link PrometheusMeterRegistry} of its own and a client
		 * of its own: {@code GET}s on the given number of connections, then a scrape.
		 * @param connections how many connections
		 * @param getsPerConnection {@code GET}s on each
		 * @return the meters and the series in the scrape
		 */
		Series countSeries(int connections, int getsPerConnection) {
			PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
			List<StatefulRedisConnection<byte[], byte[]>> opened = connect(this.kind.create(prometheus), connections);
			try {
				getOnEvery(opened, getsPerConnection);
			}
			finally {
				opened.forEach(StatefulRedisConnection::close);
			}
			return Series.of(Meters.of(prometheus), prometheus.scrape());
		}

		private List<StatefulRedisConnection<byte[], byte[]>> connect(CommandLatencyRecorder recorder, int count) {
			RedisClient client = this.redis
				.lettuceClient(ClientResources.builder().commandLatencyRecorder(recorder).build());
			List<StatefulRedisConnection<byte[], byte[]>> opened = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				opened.add(client.connect(ByteArrayCodec.INSTANCE));
			}
			return opened;
		}

		private static void getOnEvery(List<StatefulRedisConnection<byte[], byte[]>> connections, int gets) {
			for (StatefulRedisConnection<byte[], byte[]> connection : connections) {
				for (int i = 0; i < gets; i++) {
					if (!Arrays.equals(connection.sync().get(KEY), VALUE)) {
						throw new IllegalStateException("GET did not answer the stored value");
					}
				}
			}
		}

	}

	/**
	 * A latency recorder on a {@link SimpleMeterRegistry}, called directly.
	 */
	@State(Scope.Benchmark)
	public static class Recording {

		/**
		 * Completion latencies recorded in turn, in nanoseconds: loopback round trips of
		 * this host, 80 to 600 µs.
		 */
		private static final long[] LATENCIES = { 80_000, 95_000, 110_000, 125_000, 140_000, 160_000, 180_000,
				200_000, 230_000, 260_000, 300_000, 350_000, 400_000, 450_000, 520_000, 600_000 };

		/**
		 * The latency recorder: {@code none}, {@code redisboot}, {@code lettuce}, or one of
		 * those not run by default, {@code redisboot-no-histogram} and
		 * {@code lettuce-per-connection} (see the class description).
		 */
		@Param({ "none", "redisboot", "lettuce" })
		public String recorder;

		private MeterRegistry registry;

		private CommandLatencyRecorder latencyRecorder;

		private final InetSocketAddress local = new InetSocketAddress("127.0.0.1", 41234);

		private final InetSocketAddress remote = new InetSocketAddress("127.0.0.1", 6380);

		private final Command<byte[], byte[], byte[]> command = new Command<>(CommandType.GET,
				new ByteArrayOutput<>(ByteArrayCodec.INSTANCE), new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(KEY));

		private int next;

		@Setup(Level.Trial)
		public void setUp() {
			this.registry = new SimpleMeterRegistry();
			this.latencyRecorder = Recorder.of(this.recorder).create(this.registry);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			if (this.registry != null) {
				System.out.println("ObservabilityBenchmark record, recorder=" + this.recorder + ": "
						+ Meters.of(this.registry));
				this.registry.close();
			}
		}

		void record() {
			long completion = LATENCIES[this.next++ & (LATENCIES.length - 1)];
			this.latencyRecorder.recordCommandLatency(this.local, this.remote, this.command, completion - 20_000,
					completion);
		}

		/**
		 * The registry the recorder writes to.
		 * @return the registry
		 */
		MeterRegistry registry() {
			return this.registry;
		}

	}

	/**
	 * The meters of a registry.
	 *
	 * @param byName how many meters have each name
	 * @param tagValues the values of every tag key
	 */
	record Meters(Map<String, Long> byName, Map<String, Set<String>> tagValues) {

		static Meters of(MeterRegistry registry) {
			Map<String, Long> byName = new TreeMap<>();
			Map<String, Set<String>> tagValues = new TreeMap<>();
			for (Meter meter : registry.getMeters()) {
				byName.merge(meter.getId().getName(), 1L, Long::sum);
				for (Tag tag : meter.getId().getTags()) {
					tagValues.computeIfAbsent(tag.getKey(), (key) -> new TreeSet<>()).add(tag.getValue());
				}
			}
			tagValues.replaceAll((key, values) -> Collections.unmodifiableSet(values));
			return new Meters(Collections.unmodifiableMap(byName), Collections.unmodifiableMap(tagValues));
		}

		/**
		 * All the meters.
		 * @return how many
		 */
		long count() {
			return this.byName.values().stream().mapToLong(Long::longValue).sum();
		}

		/**
		 * The values of a tag key.
		 * @param key the key
		 * @return the values, empty if no meter has the key
		 */
		Set<String> values(String key) {
			return this.tagValues.getOrDefault(key, Set.of());
		}

		@Override
		public String toString() {
			StringBuilder tags = new StringBuilder();
			this.tagValues.forEach((key, values) -> tags.append((tags.length() > 0) ? ", " : "")
				.append(key)
				.append('=')
				.append(key.equals("command") ? values.toString() : values.size() + " values"));
			return count() + " meters " + this.byName + ", tags {" + tags + "}";
		}

	}

	/**
	 * What a Prometheus scrape holds.
	 *
	 * @param meters the Micrometer meters behind it
	 * @param samples the sample lines (one a series), by metric family: the name before the
	 * labels, with {@code _bucket}, {@code _count}, ... suffixes
	 */
	record Series(Meters meters, Map<String, Long> samples) {

		static Series of(Meters meters, String scrape) {
			Map<String, Long> samples = new TreeMap<>();
			for (String line : scrape.split("\n")) {
				if (line.isBlank() || line.startsWith("#")) {
					continue;
				}
				int end = line.indexOf('{');
				String name = (end < 0) ? line.substring(0, line.indexOf(' ')) : line.substring(0, end);
				samples.merge(name, 1L, Long::sum);
			}
			return new Series(meters, Collections.unmodifiableMap(samples));
		}

		/**
		 * All the series.
		 * @return how many
		 */
		long total() {
			return this.samples.values().stream().mapToLong(Long::longValue).sum();
		}

		/**
		 * The series whose metric family starts with the given prefix.
		 * @param prefix the prefix, e.g. {@code redis_client_commands}
		 * @return how many
		 */
		long startingWith(String prefix) {
			return this.samples.entrySet()
				.stream()
				.filter((entry) -> entry.getKey().startsWith(prefix))
				.mapToLong(Map.Entry::getValue)
				.sum();
		}

		@Override
		public String toString() {
			return total() + " series " + this.samples + " from " + this.meters;
		}

	}

	/**
	 * The health indicators, by their {@link HealthCheck#indicator} names.
	 */
	enum Indicator {

		BOOT("boot", BootHealthApplication.class, DataRedisHealthIndicator.class),

		REDISBOOT_FRESH("redisboot-fresh", RedisbootHealthApplication.class, RedisServerHealthIndicator.class,
				"redisboot.observability.health.cache-time-to-live=0"),

		REDISBOOT_CACHED("redisboot-cached", RedisbootHealthApplication.class, RedisServerHealthIndicator.class);

		private final String name;

		private final Class<?> configuration;

		private final Class<? extends HealthIndicator> type;

		private final String[] properties;

		Indicator(String name, Class<?> configuration, Class<? extends HealthIndicator> type, String... properties) {
			this.name = name;
			this.configuration = configuration;
			this.type = type;
			this.properties = properties;
		}

		static Indicator of(String name) {
			for (Indicator indicator : values()) {
				if (indicator.name.equals(name)) {
					return indicator;
				}
			}
			throw new IllegalArgumentException("Unknown indicator " + name);
		}

	}

	/**
	 * A non-web Boot application with a Redis health indicator, and the commands its client
	 * sends.
	 */
	@State(Scope.Benchmark)
	public static class HealthCheck {

		/**
		 * The health indicator: {@code boot}, {@code redisboot-fresh} or
		 * {@code redisboot-cached} (see the class description).
		 */
		@Param({ "boot", "redisboot-fresh", "redisboot-cached" })
		public String indicator;

		private BenchmarkRedis redis;

		private RedisCommands<byte[], byte[]> lettuce;

		private ConfigurableApplicationContext application;

		private HealthIndicator healthIndicator;

		private RedisCommandCounter counter;

		private long checks;

		private long checksAtSetup;

		private Map<String, Long> sentAtSetup;

		private long nanosAtSetup;

		@Setup(Level.Trial)
		public void setUp() {
			Indicator kind = Indicator.of(this.indicator);
			this.redis = BenchmarkRedis.start();
			Trial.setUp(() -> {
				this.lettuce = this.redis.rawLettuce();
				this.application = this.redis.application(kind.configuration, kind.properties);
				this.counter = this.application.getBean(CountingPostProcessor.class).counter();
				this.healthIndicator = this.application.getBean("redisHealthContributor", HealthIndicator.class);
				if (!kind.type.isInstance(this.healthIndicator)) {
					throw new IllegalStateException("Indicator " + this.indicator + " expects a " + kind.type.getName()
							+ ", the application has a " + this.healthIndicator.getClass().getName());
				}
				for (int i = 0; i < 100; i++) {
					checkedHealth();
				}
				System.out.println("ObservabilityBenchmark indicator=" + this.indicator + ": "
						+ countCommands(COUNTED_CHECKS));
				this.checksAtSetup = this.checks;
				this.sentAtSetup = this.counter.sent();
				this.nanosAtSetup = System.nanoTime();
			}, this::tearDown);
		}

		@TearDown(Level.Trial)
		public void tearDown() {
			try {
				if (this.sentAtSetup != null) {
					long checks = this.checks - this.checksAtSetup;
					Map<String, Long> sent = CommandCounter.difference(this.counter.sent(), this.sentAtSetup);
					System.out.println("ObservabilityBenchmark indicator=" + this.indicator + ": " + checks
							+ " checks after the setup in " + (System.nanoTime() - this.nanosAtSetup) / 1_000_000
							+ " ms sent " + sent + ", " + perCheck(sent, checks));
				}
				if (this.redis != null) {
					this.redis.close();
				}
			}
			finally {
				this.redis = null;
				this.lettuce = null;
				this.application = null;
				this.healthIndicator = null;
				this.sentAtSetup = null;
			}
		}

		/**
		 * One health check.
		 * @return the health
		 */
		Health health() {
			this.checks++;
			return this.healthIndicator.health();
		}

		/**
		 * The application's Redis health indicator.
		 * @return the indicator
		 */
		HealthIndicator healthIndicator() {
			return this.healthIndicator;
		}

		/**
		 * How old a reading the indicator may reuse: zero for Boot's, which reads every time.
		 * @return the time to live
		 */
		Duration cacheTimeToLive() {
			if (this.healthIndicator instanceof RedisServerHealthIndicator) {
				return this.application.getBean(RedisbootObservabilityProperties.class).getHealth().getCacheTimeToLive();
			}
			return Duration.ZERO;
		}

		/**
		 * The commands the application sent and Redis ran over a number of checks, each
		 * checked to be {@code UP}. Nothing else uses the server meanwhile.
		 * @param checks how many checks
		 * @return the counts
		 */
		Commands countCommands(int checks) {
			Map<String, Long> serverBefore = CommandCounter.calls(this.lettuce);
			Map<String, Long> sentBefore = this.counter.sent();
			long start = System.nanoTime();
			for (int i = 0; i < checks; i++) {
				checkedHealth();
			}
			long nanos = System.nanoTime() - start;
			Map<String, Long> sent = CommandCounter.difference(this.counter.sent(), sentBefore);
			Map<String, Long> server = new TreeMap<>(
					CommandCounter.difference(CommandCounter.calls(this.lettuce), serverBefore));
			// the INFO commandstats that took the first reading
			server.merge("info", -1L, Long::sum);
			server.values().remove(0L);
			return new Commands(checks, nanos, sent, server);
		}

		private void checkedHealth() {
			Health health = health();
			if (!Status.UP.equals(health.getStatus())) {
				throw new IllegalStateException("Redis health is " + health.getStatus() + ": " + health.getDetails());
			}
		}

	}

	private static String perCheck(Map<String, Long> commands, long checks) {
		long total = commands.values().stream().mapToLong(Long::longValue).sum();
		return String.format(Locale.ROOT, "%.6f commands per check", (checks != 0) ? (double) total / checks : 0.0);
	}

	/**
	 * Redis commands over a number of health checks.
	 *
	 * @param checks how many checks
	 * @param nanos how long they took in all
	 * @param sent commands the application's client sent, by command in lower case
	 * @param server commands Redis ran ({@code INFO commandstats} deltas, less the
	 * {@code INFO} that took the counts)
	 */
	record Commands(int checks, long nanos, Map<String, Long> sent, Map<String, Long> server) {

		Commands {
			sent = Collections.unmodifiableMap(new TreeMap<>(sent));
			server = Collections.unmodifiableMap(new TreeMap<>(server));
		}

		/**
		 * Commands sent per check.
		 * @return the mean
		 */
		double sentPerCheck() {
			return (double) this.sent.values().stream().mapToLong(Long::longValue).sum() / this.checks;
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "%d checks in %.1f ms (%.2f µs each): sent %s, Redis ran %s, %s",
					this.checks, this.nanos / 1e6, this.nanos / 1e3 / this.checks, this.sent, this.server,
					perCheck(this.sent, this.checks));
		}

	}

	/**
	 * Spring Boot's Redis auto-configuration and its Redis health contributor.
	 */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, DataRedisHealthContributorAutoConfiguration.class })
	static class BootHealthApplication {

		@Bean
		static CountingPostProcessor redisCommandCounter() {
			return new CountingPostProcessor();
		}

	}

	/**
	 * The same with redisboot's observability auto-configuration, whose health indicator
	 * takes the place of Boot's.
	 */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootObservabilityAutoConfiguration.class,
			DataRedisHealthContributorAutoConfiguration.class })
	static class RedisbootHealthApplication {

		@Bean
		static CountingPostProcessor redisCommandCounter() {
			return new CountingPostProcessor();
		}

	}

}

package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.schedule.FireTimes;
import dev.redisboot.schedule.JobScheduler;
import dev.redisboot.schedule.MissedFires;
import dev.redisboot.schedule.RecurringJob;
import dev.redisboot.schedule.ScheduleMetrics;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.autoconfigure.RedisbootStreamAutoConfiguration;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.sync.RedisCommands;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What a recurring job costs per fire time, against a redis-server of the benchmark's own:
 * {@value #SCHEDULES} fixed-rate schedules fire once per invocation (a clock of the
 * benchmark's own steps one rate forward, and {@link JobScheduler#fireDue()} runs the round),
 * and one operation is one fire time.
 * <ul>
 * <li>{@link #oneInstance()}: one instance's scheduler enqueues every job: per fire time, the
 * state read ({@code read.lua}), {@code JobQueue.enqueueIfAbsent} (the idempotent
 * {@code enqueue.lua}) and the cursor's move ({@code advance.lua});</li>
 * <li>{@link #threeInstances()}: three instances (application contexts, each with its own
 * connection) race for every fire time from three threads; one enqueues, the others find the
 * cursor moved or the job's key taken. The time is the round's, until all three are done;</li>
 * <li>{@link #plainXadd()}: the baseline, one {@code XADD MAXLEN ~} per fire time from one
 * instance, as a hand-written scheduler that trusts it runs alone would do.</li>
 * </ul>
 * Redis commands per fire time (all instances together) are counted by Lettuce command
 * listeners, reported by {@link #main(String[])} and checked by
 * {@code ScheduleBenchmarkTests}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScheduleBenchmark {

	/**
	 * Schedules that fire in each round.
	 */
	static final int SCHEDULES = 10;

	static final Duration RATE = Duration.ofSeconds(1);

	private BenchmarkRedis redis;

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	private final AtomicLong commands = new AtomicLong();

	private final AtomicReference<Instant> oneClock = new AtomicReference<>(Instant.parse("2026-12-02T00:00:00.5Z"));

	private final AtomicReference<Instant> threeClock = new AtomicReference<>(
			Instant.parse("2026-12-02T00:00:00.5Z"));

	private JobScheduler one;

	private final List<JobScheduler> three = new ArrayList<>();

	private RedisCommands<byte[], byte[]> lettuce;

	private ExecutorService pool;

	private final byte[] streamKey = bytes("bench:stream:{plain}");

	private final Map<byte[], byte[]> body = Map.of(bytes("type"), bytes("bench"), bytes("payload"), bytes("null"));

	@Setup(Level.Trial)
	public void setUp() {
		this.redis = BenchmarkRedis.start();
		Trial.setUp(() -> {
			for (int i = 0; i < 3; i++) {
				// no startup check: it would open the shared connection before the counting listener is added
				ConfigurableApplicationContext instance = this.redis.application(ScheduleApplication.class,
						"redisboot.key-prefix=bench", "redisboot.connection.check-at-startup=false");
				instance.getBean(LettuceConnectionFactory.class)
					.getRequiredNativeClient()
					.addListener(CommandCounter.counting(this.commands));
				this.instances.add(instance);
			}
			this.one = scheduler(this.instances.get(0), "one", this.oneClock);
			for (ConfigurableApplicationContext instance : this.instances) {
				this.three.add(scheduler(instance, "three", this.threeClock));
			}
			this.lettuce = this.redis.rawConnection(CommandCounter.counting(this.commands)).sync();
			this.pool = Executors.newFixedThreadPool(3);
			// the first round takes the start time; the next ones fire, scripts loaded
			this.one.fireDue();
			raceThree();
			oneInstance();
			threeInstances();
			plainXadd();
		}, this::tearDown);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		// idempotent: a set-up that failed has torn down already
		if (this.pool != null) {
			this.pool.shutdownNow();
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	/**
	 * One instance: a round of {@value #SCHEDULES} fire times.
	 */
	@Benchmark
	@OperationsPerInvocation(SCHEDULES)
	public void oneInstance() {
		this.oneClock.set(this.oneClock.get().plus(RATE));
		this.one.fireDue();
	}

	/**
	 * Three instances racing: a round of {@value #SCHEDULES} fire times.
	 */
	@Benchmark
	@OperationsPerInvocation(SCHEDULES)
	public void threeInstances() {
		this.threeClock.set(this.threeClock.get().plus(RATE));
		raceThree();
	}

	/**
	 * The baseline: a plain {@code XADD} per fire time.
	 */
	@Benchmark
	@OperationsPerInvocation(SCHEDULES)
	public void plainXadd() {
		for (int i = 0; i < SCHEDULES; i++) {
			this.lettuce.xadd(this.streamKey, XAddArgs.Builder.maxlen(100_000).approximateTrimming(), this.body);
		}
	}

	private void raceThree() {
		CountDownLatch gate = new CountDownLatch(1);
		List<Future<?>> done = new ArrayList<>();
		for (JobScheduler scheduler : this.three) {
			done.add(this.pool.submit(() -> {
				gate.await();
				scheduler.fireDue();
				return null;
			}));
		}
		gate.countDown();
		try {
			for (Future<?> future : done) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		catch (Exception ex) {
			throw new IllegalStateException("A scheduler's round failed", ex);
		}
	}

	/**
	 * Redis commands per fire time of each case, all instances together, over some rounds.
	 * @param rounds the rounds
	 * @return commands per fire time by case
	 * @throws Exception if a scheduler failed
	 */
	Map<String, Double> commandsPerFire(int rounds) throws Exception {
		Map<String, Double> perFire = new LinkedHashMap<>();
		long before = this.commands.get();
		for (int i = 0; i < rounds; i++) {
			oneInstance();
		}
		perFire.put("1 instance", (this.commands.get() - before) / (double) (rounds * SCHEDULES));
		before = this.commands.get();
		for (int i = 0; i < rounds; i++) {
			threeInstances();
		}
		perFire.put("3 instances", (this.commands.get() - before) / (double) (rounds * SCHEDULES));
		before = this.commands.get();
		for (int i = 0; i < rounds; i++) {
			plainXadd();
		}
		perFire.put("plain XADD", (this.commands.get() - before) / (double) (rounds * SCHEDULES));
		return perFire;
	}

	/**
	 * Microseconds per fire time of each case: the median of five runs of some rounds.
	 * @param rounds the rounds of a run
	 * @return microseconds per fire time by case
	 * @throws Exception if a scheduler failed
	 */
	Map<String, Double> microsPerFire(int rounds) throws Exception {
		Map<String, double[]> runs = new LinkedHashMap<>();
		for (String label : List.of("1 instance", "3 instances", "plain XADD")) {
			runs.put(label, new double[5]);
		}
		for (int run = 0; run < 5; run++) {
			// interleaved, so that a noisy moment of the machine hits every case alike
			runs.get("1 instance")[run] = time(rounds, this::oneInstance);
			runs.get("3 instances")[run] = time(rounds, this::threeInstances);
			runs.get("plain XADD")[run] = time(rounds, this::plainXadd);
		}
		Map<String, Double> medians = new LinkedHashMap<>();
		runs.forEach((label, values) -> medians.put(label, Percentiles.median(values)));
		return medians;
	}

	private static double time(int rounds, Round round) throws Exception {
		long start = System.nanoTime();
		for (int i = 0; i < rounds; i++) {
			round.run();
		}
		return (System.nanoTime() - start) / 1000.0 / (rounds * SCHEDULES);
	}

	/**
	 * Prints commands and microseconds per fire time, without JMH.
	 * @param args unused
	 * @throws Exception if a scheduler failed
	 */
	public static void main(String[] args) throws Exception {
		ScheduleBenchmark benchmark = new ScheduleBenchmark();
		benchmark.setUp();
		try {
			benchmark.microsPerFire(200); // warm-up
			System.out.println("Redis commands per fire time: " + benchmark.commandsPerFire(200));
			System.out.println("Microseconds per fire time (median of 5 runs of 1000 rounds of " + SCHEDULES
					+ " schedules): " + benchmark.microsPerFire(1000));
		}
		finally {
			benchmark.tearDown();
		}
	}

	long jobs() {
		Long length = this.redis.rawLettuce().xlen(bytes("bench:stream:{jobs}"));
		return (length != null) ? length : 0;
	}

	private static JobScheduler scheduler(ConfigurableApplicationContext instance, String prefix,
			AtomicReference<Instant> clock) {
		List<RecurringJob> schedules = new ArrayList<>();
		for (int i = 0; i < SCHEDULES; i++) {
			schedules.add(new RecurringJob(prefix + "-" + i, "bench", FireTimes.fixedRate(RATE, Instant.EPOCH), null,
					MissedFires.SKIP, Duration.ofMinutes(1)));
		}
		return new JobScheduler(instance.getBean(JobQueue.class),
				new LettuceCommands(instance.getBean(LettuceConnectionFactory.class), Duration.ofSeconds(2)),
				instance.getBean(RedisKeyNamer.class), schedules, ScheduleMetrics.NONE, new SteppedClock(clock));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@FunctionalInterface
	private interface Round {

		void run() throws Exception;

	}

	/**
	 * A clock the benchmark steps.
	 */
	static final class SteppedClock extends Clock {

		private final AtomicReference<Instant> now;

		SteppedClock(AtomicReference<Instant> now) {
			this.now = now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
			RedisbootStreamAutoConfiguration.class })
	static class ScheduleApplication {

	}

}

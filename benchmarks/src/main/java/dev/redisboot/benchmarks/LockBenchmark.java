package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.redisboot.benchmarks.InterleavedRounds.Case;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.lock.DistributedLocks;
import dev.redisboot.lock.LockLease;
import dev.redisboot.lock.autoconfigure.RedisbootLockAutoConfiguration;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.event.command.CommandListener;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
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
 * A lock taken without waiting and released (try-acquire + release), against a
 * redis-server of the benchmark's own. The JMH methods are single-threaded, each on a lock no
 * one else holds; the concurrency benchmark ({@link #main}, {@link #run}) tries from 1, 16
 * and 64 threads on one hot lock (most tries find it held) and on a lock per thread
 * (spread), the implementations interleaved, and reports tries per second, how many got
 * the lock, p50/p99 latency of a try (and its release) and Redis commands per try.
 * <ul>
 * <li>{@link #redisboot()}: redisboot's {@link DistributedLocks} through Boot's Lettuce
 * connection ({@code acquire.lua}, which also hands out the fencing token, and the
 * compare-and-set {@code set-lease.lua});</li>
 * <li>{@link #redissonStyle()}: the lock of Redisson's {@code RLock}, written here: a hash
 * of owner to hold count taken by one Lua script ({@code HINCRBY} + {@code PEXPIRE}, the
 * holder's remaining TTL when busy) and released by another ({@code HINCRBY -1}, then
 * {@code DEL} and a {@code PUBLISH} to wake waiters); no fencing token;</li>
 * <li>{@link #springIntegrationStyle()}: the lock of Spring Integration's
 * {@code RedisLockRegistry}, written here without its in-JVM lock: {@code SET NX PX} and a
 * Lua compare-and-delete; no fencing token.</li>
 * </ul>
 * Every client command is counted by a Lettuce {@link CommandListener}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LockBenchmark {

	static final Duration LEASE = Duration.ofSeconds(30);

	static final String REDISSON_LOCK = """
			if (redis.call('exists', KEYS[1]) == 0) or (redis.call('hexists', KEYS[1], ARGV[2]) == 1) then
			  redis.call('hincrby', KEYS[1], ARGV[2], 1)
			  redis.call('pexpire', KEYS[1], ARGV[1])
			  return nil
			end
			return redis.call('pttl', KEYS[1])
			""";

	static final String REDISSON_UNLOCK = """
			if redis.call('hexists', KEYS[1], ARGV[3]) == 0 then
			  return nil
			end
			local counter = redis.call('hincrby', KEYS[1], ARGV[3], -1)
			if counter > 0 then
			  redis.call('pexpire', KEYS[1], ARGV[2])
			  return 0
			end
			redis.call('del', KEYS[1])
			redis.call('publish', KEYS[2], ARGV[1])
			return 1
			""";

	static final String COMPARE_AND_DELETE = """
			if redis.call('get', KEYS[1]) == ARGV[1] then
			  return redis.call('del', KEYS[1])
			end
			return 0
			""";

	private BenchmarkRedis redis;

	private DistributedLocks locks;

	private RedisCommands<byte[], byte[]> lettuce;

	private String redissonLockSha;

	private String redissonUnlockSha;

	private String compareAndDeleteSha;

	private final AtomicLong bootCommands = new AtomicLong();

	private final AtomicLong rawCommands = new AtomicLong();

	private final AtomicInteger generation = new AtomicInteger();

	@Setup(Level.Trial)
	public void setUp() {
		this.redis = BenchmarkRedis.start();
		Trial.setUp(() -> {
			// no startup check: it would open the shared connection before the counting listener is added
			ConfigurableApplicationContext boot = this.redis.application(LockApplication.class,
					"redisboot.key-prefix=bench", "redisboot.connection.check-at-startup=false");
			boot.getBean(LettuceConnectionFactory.class).getRequiredNativeClient().addListener(
				CommandCounter.counting(this.bootCommands));
			this.locks = boot.getBean(DistributedLocks.class);
			StatefulRedisConnection<byte[], byte[]> connection = this.redis
				.rawConnection(CommandCounter.counting(this.rawCommands));
			this.lettuce = connection.sync();
			this.redissonLockSha = this.lettuce.scriptLoad(bytes(REDISSON_LOCK));
			this.redissonUnlockSha = this.lettuce.scriptLoad(bytes(REDISSON_UNLOCK));
			this.compareAndDeleteSha = this.lettuce.scriptLoad(bytes(COMPARE_AND_DELETE));
			// every script loaded and run once: the benchmark measures the steady state
			redisboot();
			redissonStyle();
			springIntegrationStyle();
		}, this::tearDown);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		// idempotent: a set-up that failed has torn down already
		if (this.redis != null) {
			this.redis.close();
		}
	}

	/**
	 * redisboot: try-acquire and release a free lock.
	 * @return whether the lock was taken
	 */
	@Benchmark
	public boolean redisboot() {
		return tryLock(Implementation.REDISBOOT, "bench-free");
	}

	/**
	 * The Redisson-style Lua lock: try-acquire and release a free lock.
	 * @return whether the lock was taken
	 */
	@Benchmark
	public boolean redissonStyle() {
		return tryLock(Implementation.REDISSON_STYLE, "bench-free");
	}

	/**
	 * The Spring Integration {@code RedisLockRegistry}-style lock: try-acquire and release a
	 * free lock.
	 * @return whether the lock was taken
	 */
	@Benchmark
	public boolean springIntegrationStyle() {
		return tryLock(Implementation.SPRING_INTEGRATION_STYLE, "bench-free");
	}

	/**
	 * One try: takes the lock without waiting and, when taken, releases it at once.
	 * @return whether the lock was taken
	 */
	boolean tryLock(Implementation implementation, String name) {
		return switch (implementation) {
			case REDISBOOT -> {
				var lease = this.locks.tryAcquire(name, LEASE);
				lease.ifPresent(LockLease::release);
				yield lease.isPresent();
			}
			case REDISSON_STYLE -> {
				byte[] key = bytes("bench:redisson:{" + name + "}");
				byte[] channel = bytes("bench:redisson_lock__channel:{" + name + "}");
				byte[] owner = bytes(UUID.randomUUID().toString());
				Long busy = this.lettuce.evalsha(this.redissonLockSha, ScriptOutputType.INTEGER, new byte[][] { key },
						bytes(Long.toString(LEASE.toMillis())), owner);
				if (busy != null) {
					yield false;
				}
				this.lettuce.evalsha(this.redissonUnlockSha, ScriptOutputType.INTEGER, new byte[][] { key, channel },
						bytes("0"), bytes(Long.toString(LEASE.toMillis())), owner);
				yield true;
			}
			case SPRING_INTEGRATION_STYLE -> {
				byte[] key = bytes("bench:si:" + name);
				byte[] owner = bytes(UUID.randomUUID().toString());
				if (!"OK".equals(this.lettuce.set(key, owner, SetArgs.Builder.nx().px(LEASE.toMillis())))) {
					yield false;
				}
				this.lettuce.evalsha(this.compareAndDeleteSha, ScriptOutputType.INTEGER, new byte[][] { key }, owner);
				yield true;
			}
		};
	}

	/**
	 * Round trips (client commands) of each implementation: per acquire of a free lock, per
	 * release, and per try of a lock another holder has.
	 * @param operations how many of each to count
	 * @return round trips by implementation and operation
	 */
	Map<String, Double> roundTrips(int operations) {
		Map<String, Double> trips = new LinkedHashMap<>();
		long before = this.bootCommands.get();
		List<LockLease> leases = new ArrayList<>();
		for (int i = 0; i < operations; i++) {
			leases.add(this.locks.tryAcquire("bench-trips-" + i, LEASE).orElseThrow());
		}
		trips.put("redisboot: acquire", (double) (this.bootCommands.get() - before) / operations);
		before = this.bootCommands.get();
		for (LockLease lease : leases) {
			if (!lease.release()) {
				throw new IllegalStateException("Not released: " + lease);
			}
		}
		trips.put("redisboot: release", (double) (this.bootCommands.get() - before) / operations);
		LockLease held = this.locks.tryAcquire("bench-held", LEASE).orElseThrow();
		before = this.bootCommands.get();
		for (int i = 0; i < operations; i++) {
			if (this.locks.tryAcquire("bench-held", LEASE).isPresent()) {
				throw new IllegalStateException("Taken twice");
			}
		}
		trips.put("redisboot: try of a held lock", (double) (this.bootCommands.get() - before) / operations);
		held.release();
		for (Implementation implementation : new Implementation[] { Implementation.REDISSON_STYLE,
				Implementation.SPRING_INTEGRATION_STYLE }) {
			before = this.rawCommands.get();
			for (int i = 0; i < operations; i++) {
				tryLock(implementation, "bench-trips");
			}
			trips.put(implementation.label + ": acquire + release", (double) (this.rawCommands.get() - before) / operations);
		}
		return trips;
	}

	/**
	 * What the concurrency benchmark compares.
	 */
	enum Implementation {

		/**
		 * redisboot's {@link DistributedLocks}.
		 */
		REDISBOOT("redisboot"),

		/**
		 * The Redisson-style Lua lock.
		 */
		REDISSON_STYLE("Redisson-style"),

		/**
		 * The Spring Integration {@code RedisLockRegistry}-style lock.
		 */
		SPRING_INTEGRATION_STYLE("Spring Integration-style");

		final String label;

		Implementation(String label) {
			this.label = label;
		}

	}

	/**
	 * The outcome of one concurrent run.
	 *
	 * @param tries tries made
	 * @param acquired tries that got the lock
	 * @param triesPerSecond throughput
	 * @param p50Micros median latency of a try (with its release when taken)
	 * @param p99Micros 99th percentile of that latency
	 * @param commandsPerTry client commands (round trips) per try
	 */
	record Run(long tries, long acquired, double triesPerSecond, double p50Micros, double p99Micros,
			double commandsPerTry) {

	}

	/**
	 * Tries from a number of threads at once, each the same number of times, on one lock
	 * shared by all (hot) or a lock of each thread's own (spread).
	 * @param implementation what locks
	 * @param threads the threads
	 * @param triesPerThread tries each thread makes
	 * @param hot whether all threads share one lock
	 * @return the outcome
	 */
	Run run(Implementation implementation, int threads, int triesPerThread, boolean hot) throws InterruptedException {
		int base = this.generation.getAndAdd(threads + 1);
		AtomicLong commands = (implementation == Implementation.REDISBOOT) ? this.bootCommands : this.rawCommands;
		ConcurrentTries.Outcome outcome = ConcurrentTries.run(threads, triesPerThread, commands, (thread) -> {
			String name = "bench-" + (hot ? base : base + 1 + thread);
			return () -> tryLock(implementation, name);
		});
		return new Run(outcome.tries(), outcome.succeeded(), outcome.triesPerSecond(), outcome.p50Micros(),
				outcome.p99Micros(), outcome.commandsPerTry());
	}

	/**
	 * Runs the concurrency benchmark and prints a table: {@code java -cp benchmarks.jar
	 * dev.redisboot.benchmarks.LockBenchmark [rounds] [tries per run]}. Every round runs every
	 * implementation at 1, 16 and 64 threads, hot and spread, in an order rotated each round;
	 * the table shows the median of the rounds.
	 * @param args rounds (default 5) and tries per run (default 6,400)
	 */
	public static void main(String[] args) throws InterruptedException {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int triesPerRun = (args.length > 1) ? Integer.parseInt(args[1]) : 6_400;
		int[] threadCounts = { 1, 16, 64 };
		LockBenchmark benchmark = new LockBenchmark();
		benchmark.setUp();
		try {
			benchmark.roundTrips(2_000)
				.forEach((name, trips) -> System.out.printf("%-48s %.3f round trips%n", name, trips));
			List<Case<Implementation>> cases = InterleavedRounds.hotAndSpread(Implementation.values(), threadCounts);
			Map<Case<Implementation>, List<Run>> runs = InterleavedRounds.run(cases, rounds,
					(each) -> benchmark.run(each.implementation(), each.threads(),
							Math.max(1, triesPerRun / each.threads()), each.hot()));
			System.out.printf("%n%-26s %-7s %7s %10s %10s %9s %9s %9s%n", "implementation", "lock", "threads",
					"tries/s", "acquired", "p50 us", "p99 us", "cmds/try");
			for (Case<Implementation> each : cases) {
				List<Run> results = runs.get(each);
				System.out.printf("%-26s %-7s %7s %10.0f %9.1f%% %9.0f %9.0f %9.3f%n", each.implementation().label,
						each.resource(), each.threads(), Percentiles.median(results, Run::triesPerSecond),
						Percentiles.median(results, (run) -> 100.0 * run.acquired() / run.tries()),
						Percentiles.median(results, Run::p50Micros), Percentiles.median(results, Run::p99Micros),
						Percentiles.median(results, Run::commandsPerTry));
			}
		}
		finally {
			benchmark.tearDown();
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
			RedisbootLockAutoConfiguration.class })
	static class LockApplication {

	}

}

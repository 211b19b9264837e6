package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.redisboot.benchmarks.InterleavedRounds.Case;
import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.stream.autoconfigure.RedisbootStreamAutoConfiguration;
import dev.redisboot.writebehind.WriteBehind;
import dev.redisboot.writebehind.WriteBehindRegistry;
import dev.redisboot.writebehind.autoconfigure.RedisbootWriteBehindAutoConfiguration;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
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

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.cache.Cache;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * A write as its caller sees it: through write-behind ({@link WriteBehind#write}: the value
 * recorded in Redis, a job enqueued unless one is queued or running for the key, the cache
 * put) against write-through (the database write, then the cache put, as {@code @CachePut}
 * does), in the same run, against a redis-server of the benchmark's own.
 * <p>
 * The database is simulated in the JVM ({@link SimulatedDatabase}): a write holds one of
 * {@value #DB_POOL} connections (a connection pool's default size) for a fixed
 * {@value #DB_LATENCY_MICROS} µs, the order of a single-row upsert with its commit on a
 * database across a network; so the baseline's figures are those of that latency, not of
 * any real database, and the benchmark needs no database server. Write-behind's writer is
 * another database of the same kind, called by the jobs' 4 consumers (redisboot's default
 * {@code redisboot.jobs.concurrency}); every other setting is the default (job status
 * tracking on).
 * <p>
 * The JMH methods write one hot key from one thread; the concurrency benchmark
 * ({@link #main}, {@link #run}) writes from 1, 16 and 64 threads on one hot key (every
 * thread the same key: write-behind coalesces) and on spread keys (every write a key of its
 * own: nothing coalesces, the worst case), the two interleaved, and reports writes per
 * second, p50/p99 of a write as the caller waits for it, the caller's Redis commands per
 * write, all client commands per write (the jobs' side included, counted until the queue
 * drained), database writes done against writes issued, and how long the queue took to
 * drain after the last write. Client commands are counted by a Lettuce
 * {@link CommandListener} on the application's client; a command counts as the caller's
 * when the benchmark's writing thread sent it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WriteBehindBenchmark {

	/**
	 * The simulated database's time per write, µs.
	 */
	static final long DB_LATENCY_MICROS = 1_000;

	/**
	 * The simulated database's connections: writes beyond these wait for one.
	 */
	static final int DB_POOL = 10;

	static final String NAME = "bench";

	/**
	 * The pending hash of {@link #NAME} under the key prefix {@code bench}.
	 */
	static final String PENDING_KEY = "bench:writebehind:{" + NAME + "}";

	private static final ThreadLocal<Boolean> CALLER = new ThreadLocal<>();

	private BenchmarkRedis redis;

	private WriteBehind<String, Long> writeBehind;

	private Cache cache;

	private SimulatedDatabase behind;

	private final SimulatedDatabase synchronous = new SimulatedDatabase();

	private AtomicLong callerCommands;

	private AtomicLong allCommands;

	private final AtomicLong values = new AtomicLong();

	private final AtomicInteger generation = new AtomicInteger();

	@Setup(Level.Trial)
	@SuppressWarnings("unchecked")
	public void setUp() {
		this.redis = BenchmarkRedis.start();
		Trial.setUp(() -> {
			ConfigurableApplicationContext boot = this.redis.application(WriteBehindApplication.class,
					"redisboot.key-prefix=bench", "redisboot.connection.check-at-startup=false",
					"redisboot.write-behind.enabled=true");
			CommandCounting counting = boot.getBean(CommandCounting.class);
			this.callerCommands = counting.caller;
			this.allCommands = counting.all;
			this.writeBehind = boot.getBean(WriteBehind.class);
			this.cache = this.writeBehind.getCache();
			this.behind = boot.getBean(SimulatedDatabase.class);
			// every script loaded and the consumers running: the benchmark measures the steady state
			writeBehind();
			writeThrough();
			awaitDrained(Duration.ofSeconds(30));
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
	 * Write-behind: one write of the hot key.
	 * @return the value written
	 */
	@Benchmark
	public long writeBehind() {
		return write(Implementation.WRITE_BEHIND, "hot");
	}

	/**
	 * Write-through: the database write, then the cache put, of the hot key.
	 * @return the value written
	 */
	@Benchmark
	public long writeThrough() {
		return write(Implementation.WRITE_THROUGH, "hot");
	}

	long write(Implementation implementation, String key) {
		long value = this.values.incrementAndGet();
		if (implementation == Implementation.WRITE_BEHIND) {
			this.writeBehind.write(key, value);
		}
		else {
			this.synchronous.write(key, value);
			this.cache.put(key, value);
		}
		return value;
	}

	/**
	 * Waits until write-behind has written every pending value.
	 * @param atMost how long to wait at most
	 * @return how long it took, ms
	 * @throws IllegalStateException if values are still pending after that
	 */
	long awaitDrained(Duration atMost) {
		long start = System.nanoTime();
		long deadline = start + atMost.toNanos();
		while (this.redis.rawLettuce().exists(bytes(PENDING_KEY)) > 0) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Write-behind still has values pending after " + atMost);
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
		}
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

	SimulatedDatabase behindDatabase() {
		return this.behind;
	}

	SimulatedDatabase synchronousDatabase() {
		return this.synchronous;
	}

	/**
	 * What is compared.
	 */
	enum Implementation {

		/**
		 * {@link WriteBehind#write}.
		 */
		WRITE_BEHIND("write-behind"),

		/**
		 * The database write, then the cache put.
		 */
		WRITE_THROUGH("write-through (DB, then cache put)");

		final String label;

		Implementation(String label) {
			this.label = label;
		}

	}

	/**
	 * The outcome of one concurrent run.
	 *
	 * @param writes writes issued
	 * @param writesPerSecond the callers' throughput
	 * @param p50Micros median time of a write as its caller waits for it
	 * @param p99Micros 99th percentile of that time
	 * @param callerCommandsPerWrite client commands the writing threads sent, per write
	 * @param allCommandsPerWrite all client commands of the application per write, until
	 * write-behind's queue drained (the jobs' reads, scripts and acknowledgements included)
	 * @param databaseWrites database writes done for these writes
	 * @param drainMillis how long write-behind took to write what was pending after the last
	 * write, 0 for write-through
	 */
	record Run(long writes, double writesPerSecond, double p50Micros, double p99Micros, double callerCommandsPerWrite,
			double allCommandsPerWrite, long databaseWrites, long drainMillis) {

		double databaseWritesSaved() {
			return 1.0 - (double) this.databaseWrites / this.writes;
		}

	}

	/**
	 * Writes from a number of threads at once, each the same number of times, all to one key
	 * (hot) or each write to a key of its own (spread); then, for write-behind, waits until the
	 * queue drained.
	 * @param implementation what writes
	 * @param threads the threads
	 * @param writesPerThread writes each thread makes
	 * @param hot whether all threads write one key
	 * @return the outcome
	 * @throws InterruptedException if interrupted
	 */
	Run run(Implementation implementation, int threads, int writesPerThread, boolean hot) throws InterruptedException {
		int base = this.generation.getAndIncrement();
		SimulatedDatabase database = (implementation == Implementation.WRITE_BEHIND) ? this.behind : this.synchronous;
		long databaseBefore = database.writes();
		long allBefore = this.allCommands.get();
		ConcurrentTries.Outcome outcome = ConcurrentTries.run(threads, writesPerThread, this.callerCommands,
				(thread) -> {
					CALLER.set(Boolean.TRUE);
					int[] next = { 0 };
					return () -> {
						String key = hot ? "hot-" + base : "spread-" + base + "-" + thread + "-" + next[0]++;
						write(implementation, key);
						return true;
					};
				});
		long drain = (implementation == Implementation.WRITE_BEHIND) ? awaitDrained(Duration.ofMinutes(5)) : 0;
		long writes = outcome.tries();
		return new Run(writes, outcome.triesPerSecond(), outcome.p50Micros(), outcome.p99Micros(),
				outcome.commandsPerTry(), (double) (this.allCommands.get() - allBefore) / writes,
				database.writes() - databaseBefore, drain);
	}

	/**
	 * Runs the concurrency benchmark and prints a table: {@code java -cp benchmarks.jar
	 * dev.redisboot.benchmarks.WriteBehindBenchmark [rounds] [writes per run]}. Every round
	 * runs both implementations at 1, 16 and 64 threads, hot and spread, in an order rotated
	 * each round; the table shows the median of the rounds.
	 * @param args rounds (default 3) and writes per run (default 3,200)
	 * @throws InterruptedException if interrupted
	 */
	public static void main(String[] args) throws InterruptedException {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
		int writesPerRun = (args.length > 1) ? Integer.parseInt(args[1]) : 3_200;
		int[] threadCounts = { 1, 16, 64 };
		WriteBehindBenchmark benchmark = new WriteBehindBenchmark();
		benchmark.setUp();
		try {
			List<Case<Implementation>> cases = InterleavedRounds.hotAndSpread(Implementation.values(), threadCounts);
			Map<Case<Implementation>, List<Run>> runs = InterleavedRounds.run(cases, rounds,
					(each) -> benchmark.run(each.implementation(), each.threads(),
							Math.max(1, writesPerRun / each.threads()), each.hot()));
			System.out.printf("%n| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", "implementation", "key",
					"threads", "writes/s", "p50 µs", "p99 µs", "caller cmds/write", "all cmds/write",
					"DB writes / writes (saved)", "drain ms");
			System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
			for (Case<Implementation> each : cases) {
				List<Run> results = runs.get(each);
				Run first = results.get(0);
				System.out.printf("| %s | %s | %d | %,.0f | %,.0f | %,.0f | %.3f | %.2f | %,.0f / %,d (%.1f%%) | %,.0f |%n",
						each.implementation().label, each.resource(), each.threads(),
						Percentiles.median(results, Run::writesPerSecond), Percentiles.median(results, Run::p50Micros),
						Percentiles.median(results, Run::p99Micros),
						Percentiles.median(results, Run::callerCommandsPerWrite),
						Percentiles.median(results, Run::allCommandsPerWrite),
						Percentiles.median(results, (run) -> (double) run.databaseWrites()), first.writes(),
						100 * Percentiles.median(results, Run::databaseWritesSaved),
						Percentiles.median(results, (run) -> (double) run.drainMillis()));
			}
			System.out.printf("%nsimulated database: %d µs per write asked, %.0f µs per write held (mean of %,d writes"
					+ " through), %d connections%n", DB_LATENCY_MICROS, benchmark.synchronous.meanMicros(),
					benchmark.synchronous.writes(), DB_POOL);
		}
		finally {
			benchmark.tearDown();
		}
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * A database in the JVM: each write holds one of {@value #DB_POOL} connections for
	 * {@value #DB_LATENCY_MICROS} µs (waiting for a free one first, as with a connection
	 * pool), then upserts the row.
	 */
	static final class SimulatedDatabase {

		private final Semaphore connections = new Semaphore(DB_POOL, true);

		private final Map<String, Long> rows = new ConcurrentHashMap<>();

		private final AtomicLong writes = new AtomicLong();

		private final AtomicLong heldNanos = new AtomicLong();

		void write(String key, Long value) {
			this.connections.acquireUninterruptibly();
			try {
				long start = System.nanoTime();
				long end = start + TimeUnit.MICROSECONDS.toNanos(DB_LATENCY_MICROS);
				for (long now = start; now < end; now = System.nanoTime()) {
					LockSupport.parkNanos(end - now);
				}
				this.rows.put(key, value);
				this.writes.incrementAndGet();
				this.heldNanos.addAndGet(System.nanoTime() - start);
			}
			finally {
				this.connections.release();
			}
		}

		long writes() {
			return this.writes.get();
		}

		Long row(String key) {
			return this.rows.get(key);
		}

		double meanMicros() {
			long writes = this.writes.get();
			return (writes > 0) ? this.heldNanos.get() / 1e3 / writes : 0;
		}

	}

	/**
	 * Counts every command of the application's Lettuce client, and those the benchmark's
	 * writing threads send: added to the client as soon as the connection factory made it,
	 * before any connection (a listener added later misses the connections opened before,
	 * such as the jobs' consumers').
	 */
	static final class CommandCounting implements BeanPostProcessor, CommandListener {

		final AtomicLong all = new AtomicLong();

		final AtomicLong caller = new AtomicLong();

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (bean instanceof LettuceConnectionFactory factory) {
				factory.getRequiredNativeClient().addListener(this);
			}
			return bean;
		}

		@Override
		public void commandStarted(CommandStartedEvent event) {
			this.all.incrementAndGet();
			if (CALLER.get() == Boolean.TRUE) {
				this.caller.incrementAndGet();
			}
		}

	}

	/**
	 * The application: Boot's Redis auto-configuration and redisboot's core, cache, stream
	 * and write-behind auto-configurations; the write-behind name {@value #NAME} on the cache
	 * of that name, written to a {@link SimulatedDatabase}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
			RedisbootCacheAutoConfiguration.class, RedisbootStreamAutoConfiguration.class,
			RedisbootWriteBehindAutoConfiguration.class })
	static class WriteBehindApplication {

		@Bean
		static CommandCounting commandCounting() {
			return new CommandCounting();
		}

		@Bean
		SimulatedDatabase behindDatabase() {
			return new SimulatedDatabase();
		}

		@Bean
		WriteBehind<String, Long> benchWriteBehind(WriteBehindRegistry registry, SimulatedDatabase database) {
			return registry.register(NAME, NAME, String.class, Long.class, database::write);
		}

	}

}

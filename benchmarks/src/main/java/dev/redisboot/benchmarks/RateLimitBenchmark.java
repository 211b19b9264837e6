package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.redisboot.benchmarks.InterleavedRounds.Case;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.ratelimit.ClientKeyResolver;
import dev.redisboot.ratelimit.Limit;
import dev.redisboot.ratelimit.RateLimitDecision;
import dev.redisboot.ratelimit.RateLimitMetrics;
import dev.redisboot.ratelimit.RateLimitRule;
import dev.redisboot.ratelimit.RateLimiter;
import io.github.bucket4j.BandwidthBuilder;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ScriptOutputType;
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

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One rate-limit decision (take one request from a client's bucket) on a bucket seen before,
 * against a redis-server of the benchmark's own. The JMH methods are single-threaded; the
 * concurrency benchmark ({@link #main}, {@link #run}) decides from 1, 16 and 64 threads on one
 * hot bucket and on a bucket per thread, the implementations interleaved, and reports
 * throughput, p50/p99 latency and Redis commands per decision.
 * <ul>
 * <li>{@link #redisboot()}: redisboot's {@link RateLimiter} on Spring Boot's Lettuce
 * connection (one Lua script per decision, {@code decide.lua});</li>
 * <li>{@link #bucket4jLettuce()}: stock Bucket4j, {@code Bucket4jLettuce.casBasedBuilder}
 * ({@code LettuceBasedProxyManager}), the same limits;</li>
 * <li>Bucket4j with its batching optimization ({@code Optimizations.batching()}, one
 * shared proxy per bucket), in the concurrency benchmark only: concurrent requests on one
 * bucket wait for the one in flight and go to Redis together;</li>
 * <li>{@link #luaTokenBucket()}: a single Lua token-bucket script per decision
 * ({@code EVALSHA}), the approach of Spring Cloud Gateway's Redis rate limiter, with one
 * limit and no headers or failure modes: the one-round-trip floor.</li>
 * </ul>
 * Every client command is counted by a Lettuce {@link CommandListener}, so
 * {@link #roundTripsPerDecision} reports round trips per decision for each. The limits are
 * high enough that every decision is an allowed one; a rejection costs the same.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RateLimitBenchmark {

	static final long CAPACITY = 1_000_000_000L;

	static final Duration PERIOD = Duration.ofHours(1);

	/**
	 * A token bucket in one hash, refilled from the time passed since the last decision;
	 * returns 1 when a token was taken. Times from the server's clock.
	 */
	static final String LUA_TOKEN_BUCKET = """
			local capacity = tonumber(ARGV[1])
			local per_ms = tonumber(ARGV[2])
			local t = redis.call('time')
			local now = t[1] * 1000 + math.floor(t[2] / 1000)
			local state = redis.call('hmget', KEYS[1], 'tokens', 'ts')
			local tokens = tonumber(state[1]) or capacity
			local ts = tonumber(state[2]) or now
			tokens = math.min(capacity, tokens + (now - ts) * per_ms)
			local allowed = 0
			if tokens >= 1 then
			  tokens = tokens - 1
			  allowed = 1
			end
			redis.call('hset', KEYS[1], 'tokens', tokens, 'ts', now)
			redis.call('pexpire', KEYS[1], math.ceil((capacity - tokens) / per_ms) + 1000)
			return allowed
			""";

	private BenchmarkRedis redis;

	private ConfigurableApplicationContext boot;

	private RateLimiter limiter;

	private RateLimitRule rule;

	private RedisCommands<byte[], byte[]> lettuce;

	private ProxyManager<byte[]> bucket4j;

	private BucketConfiguration configuration;

	private String luaSha;

	private final AtomicLong bootCommands = new AtomicLong();

	private final AtomicLong rawCommands = new AtomicLong();

	private final byte[] bucket4jKey = "bench:rl:bucket4j".getBytes(StandardCharsets.UTF_8);

	private final byte[] luaKey = "bench:rl:lua".getBytes(StandardCharsets.UTF_8);

	@Setup(Level.Trial)
	public void setUp() {
		this.redis = BenchmarkRedis.start();
		Trial.setUp(() -> {
			this.boot = this.redis.bootDefaults();
			LettuceConnectionFactory factory = this.boot.getBean(LettuceConnectionFactory.class);
			factory.getRequiredNativeClient().addListener(CommandCounter.counting(this.bootCommands));
			this.limiter = new RateLimiter(new LettuceCommands(factory, Duration.ofSeconds(2)),
					new RedisKeyNamer("bench"), KeyDigester.unkeyed(), new RedisCircuitBreaker(3, Duration.ofSeconds(5),
							java.time.Clock.systemUTC()),
					RateLimitMetrics.NONE);
			this.rule = new RateLimitRule("bench", List.of(), Set.of(), ClientKeyResolver.ip(), "ip",
					RateLimitRule.MissingKey.DENY, List.of(Limit.of(CAPACITY, PERIOD)), Map.of(),
					RateLimitRule.RedisFailureAction.DENY, true, RateLimitRule.Stage.BEFORE_AUTHENTICATION);
			StatefulRedisConnection<byte[], byte[]> connection = this.redis
				.rawConnection(CommandCounter.counting(this.rawCommands));
			this.lettuce = connection.sync();
			this.bucket4j = Bucket4jLettuce.casBasedBuilder(connection)
				.expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(1)))
				.build();
			this.configuration = BucketConfiguration.builder()
				.addLimit(BandwidthBuilder.builder().capacity(CAPACITY).refillGreedy(CAPACITY, PERIOD).build())
				.build();
			this.luaSha = this.lettuce.scriptLoad(LUA_TOKEN_BUCKET.getBytes(StandardCharsets.UTF_8));
			// every bucket seen once: the benchmark measures the steady state
			redisboot();
			bucket4jLettuce();
			luaTokenBucket();
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
	 * redisboot's rate limiter.
	 * @return whether allowed
	 */
	@Benchmark
	public boolean redisboot() {
		RateLimitDecision decision = this.limiter.consume(this.rule, "ip=127.0.0.1", null);
		return decision.allowed();
	}

	/**
	 * Stock Bucket4j with Lettuce (compare-and-swap: a GET and a swap script).
	 * @return whether allowed
	 */
	@Benchmark
	public boolean bucket4jLettuce() {
		return this.bucket4j.getProxy(this.bucket4jKey, () -> this.configuration).tryConsume(1);
	}

	/**
	 * One Lua token-bucket script per decision.
	 * @return whether allowed
	 */
	@Benchmark
	public boolean luaTokenBucket() {
		Long allowed = this.lettuce.evalsha(this.luaSha, ScriptOutputType.INTEGER, new byte[][] { this.luaKey },
				Long.toString(CAPACITY).getBytes(StandardCharsets.UTF_8),
				Double.toString((double) CAPACITY / PERIOD.toMillis()).getBytes(StandardCharsets.UTF_8));
		return allowed != null && allowed == 1;
	}

	/**
	 * Round trips (client commands) per decision of each implementation, over a number of
	 * decisions on buckets seen before, and with two limiters ("instances") taking turns on
	 * one bucket (which cost the earlier compare-and-swap path a failed swap per decision).
	 * @param decisions how many decisions to count
	 * @return round trips per decision by implementation
	 */
	Map<String, Double> roundTripsPerDecision(int decisions) {
		long boot = this.bootCommands.get();
		for (int i = 0; i < decisions; i++) {
			redisboot();
		}
		double redisbootSteady = (double) (this.bootCommands.get() - boot) / decisions;
		long raw = this.rawCommands.get();
		for (int i = 0; i < decisions; i++) {
			bucket4jLettuce();
		}
		double bucket4jSteady = (double) (this.rawCommands.get() - raw) / decisions;
		raw = this.rawCommands.get();
		for (int i = 0; i < decisions; i++) {
			luaTokenBucket();
		}
		double lua = (double) (this.rawCommands.get() - raw) / decisions;
		RateLimiter other = new RateLimiter(
				new LettuceCommands(this.boot.getBean(LettuceConnectionFactory.class), Duration.ofSeconds(2)),
				new RedisKeyNamer("bench"), KeyDigester.unkeyed(), new RedisCircuitBreaker(3, Duration.ofSeconds(5), java.time.Clock.systemUTC()),
				RateLimitMetrics.NONE);
		other.consume(this.rule, "ip=127.0.0.1", null);
		boot = this.bootCommands.get();
		for (int i = 0; i < decisions; i++) {
			((i % 2 == 0) ? this.limiter : other).consume(this.rule, "ip=127.0.0.1", null);
		}
		double redisbootAlternating = (double) (this.bootCommands.get() - boot) / decisions;
		return Map.of("redisboot", redisbootSteady, "redisboot, two instances taking turns", redisbootAlternating,
				"bucket4jLettuce", bucket4jSteady, "luaTokenBucket", lua);
	}

	/**
	 * What the concurrency benchmark compares.
	 */
	enum Implementation {

		/**
		 * redisboot's {@link RateLimiter}: one script per decision.
		 */
		REDISBOOT("redisboot (decide.lua)"),

		/**
		 * redisboot's WebFlux path: {@link RateLimiter#consumeAsync}, the same script and
		 * batching on Lettuce's async API, with as many decisions in flight as the run has
		 * "threads" but no thread waiting for any (as a Netty event loop serves concurrent
		 * requests).
		 */
		REDISBOOT_REACTIVE("redisboot reactive (async)"),

		/**
		 * Stock Bucket4j with Lettuce, compare-and-swap, one proxy per decision.
		 */
		BUCKET4J("Bucket4j CAS"),

		/**
		 * Stock Bucket4j with Lettuce and {@code Optimizations.batching()} on one shared proxy
		 * per bucket.
		 */
		BUCKET4J_BATCHING("Bucket4j CAS + batching");

		final String label;

		Implementation(String label) {
			this.label = label;
		}

	}

	/**
	 * The outcome of one concurrent run.
	 *
	 * @param decisions decisions made
	 * @param allowed decisions that allowed
	 * @param decisionsPerSecond throughput
	 * @param p50Micros median decision latency
	 * @param p99Micros 99th percentile of decision latency
	 * @param commandsPerDecision client commands (round trips) per decision
	 */
	record Run(long decisions, long allowed, double decisionsPerSecond, double p50Micros, double p99Micros,
			double commandsPerDecision) {

	}

	private final Map<String, Bucket> batchingProxies = new java.util.concurrent.ConcurrentHashMap<>();

	private Bucket batchingProxy(byte[] key) {
		return this.batchingProxies.computeIfAbsent(new String(key, StandardCharsets.UTF_8),
				(name) -> this.bucket4j.builder()
					.withOptimization(Optimizations.batching())
					.build(key, () -> this.configuration));
	}

	private boolean decide(Implementation implementation, int bucket) {
		String client = "ip=10.0." + (bucket / 256) + "." + (bucket % 256);
		byte[] key = ("bench:rl:b4j:" + bucket).getBytes(StandardCharsets.UTF_8);
		return switch (implementation) {
			case REDISBOOT, REDISBOOT_REACTIVE -> this.limiter.consume(this.rule, client, null).allowed();
			case BUCKET4J -> this.bucket4j.getProxy(key, () -> this.configuration).tryConsume(1);
			case BUCKET4J_BATCHING -> batchingProxy(key).tryConsume(1);
		};
	}

	/**
	 * Decides from a number of threads at once, each making the same number of decisions, on
	 * one bucket shared by all (hot) or on a bucket of each thread's own (spread); every
	 * bucket seen once before. Counts the client commands of the implementation's connection.
	 * @param implementation what decides
	 * @param threads the threads
	 * @param decisionsPerThread decisions each thread makes
	 * @param hot whether all threads share one bucket
	 * @return the outcome
	 */
	Run run(Implementation implementation, int threads, int decisionsPerThread, boolean hot)
			throws InterruptedException {
		// each run its own buckets (a new generation of bucket numbers), seen once before it starts
		int base = this.generation.getAndAdd(threads + 1);
		for (int t = 0; t < threads; t++) {
			decide(implementation, hot ? base : base + 1 + t);
		}
		if (implementation == Implementation.REDISBOOT_REACTIVE) {
			return runInFlight(threads, threads * decisionsPerThread, base, hot);
		}
		AtomicLong commands = (implementation == Implementation.REDISBOOT) ? this.bootCommands : this.rawCommands;
		ConcurrentTries.Outcome outcome = ConcurrentTries.run(threads, decisionsPerThread, commands, (thread) -> {
			int bucket = hot ? base : base + 1 + thread;
			return () -> decide(implementation, bucket);
		});
		return new Run(outcome.tries(), outcome.succeeded(), outcome.triesPerSecond(), outcome.p50Micros(),
				outcome.p99Micros(), outcome.commandsPerTry());
	}

	/**
	 * Keeps a number of asynchronous decisions in flight until a total is made: each
	 * completed decision issues the next one of its lane from the thread that completed it
	 * (Lettuce's event loop), as a WebFlux filter chain goes on; no thread waits for Redis.
	 * @param inFlight decisions in flight at once (the lanes)
	 * @param decisions decisions to make in all
	 * @param base the run's first bucket number
	 * @param hot whether all lanes share one bucket
	 * @return the outcome
	 */
	private Run runInFlight(int inFlight, int decisions, int base, boolean hot) throws InterruptedException {
		int perLane = Math.max(1, decisions / inFlight);
		long[][] latencies = new long[inFlight][perLane];
		AtomicLong allowed = new AtomicLong();
		java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(inFlight);
		long before = this.bootCommands.get();
		long began = System.nanoTime();
		for (int lane = 0; lane < inFlight; lane++) {
			int bucket = hot ? base : base + 1 + lane;
			String client = "ip=10.0." + (bucket / 256) + "." + (bucket % 256);
			decideInLane(client, latencies[lane], 0, allowed, done);
		}
		if (!done.await(10, TimeUnit.MINUTES)) {
			throw new IllegalStateException("Decisions did not complete");
		}
		long elapsed = System.nanoTime() - began;
		long total = (long) inFlight * perLane;
		long[] all = Percentiles.sortedAll(latencies);
		return new Run(total, allowed.get(), total * 1e9 / elapsed, Percentiles.nearestRank(all, 0.50) / 1e3,
				Percentiles.nearestRank(all, 0.99) / 1e3, (double) (this.bootCommands.get() - before) / total);
	}

	private void decideInLane(String client, long[] latencies, int index, AtomicLong allowed,
			java.util.concurrent.CountDownLatch done) {
		if (index == latencies.length) {
			done.countDown();
			return;
		}
		long begin = System.nanoTime();
		this.limiter.consumeAsync(this.rule, client, null).whenComplete((decision, failure) -> {
			latencies[index] = System.nanoTime() - begin;
			if (decision != null && decision.allowed()) {
				allowed.incrementAndGet();
			}
			decideInLane(client, latencies, index + 1, allowed, done);
		});
	}

	private final java.util.concurrent.atomic.AtomicInteger generation = new java.util.concurrent.atomic.AtomicInteger();

	/**
	 * Runs the concurrency benchmark and prints a table: {@code java -cp benchmarks.jar
	 * dev.redisboot.benchmarks.RateLimitBenchmark [rounds] [decisions per run]}. Every round
	 * runs every implementation at 1, 16 and 64 threads, hot and spread, in an order rotated
	 * each round (interleaved, so that drift in a shared machine's load spreads over all);
	 * the table shows the median of the rounds, with the lowest and highest throughput.
	 * @param args rounds (default 5) and decisions per run (default 6,400)
	 */
	public static void main(String[] args) throws InterruptedException {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int decisionsPerRun = (args.length > 1) ? Integer.parseInt(args[1]) : 6_400;
		int[] threadCounts = { 1, 16, 64 };
		RateLimitBenchmark benchmark = new RateLimitBenchmark();
		benchmark.setUp();
		try {
			benchmark.roundTripsPerDecision(2_000)
				.forEach((name, trips) -> System.out.printf("%-40s %.3f round trips per decision%n", name, trips));
			List<Case<Implementation>> cases = InterleavedRounds.hotAndSpread(Implementation.values(), threadCounts);
			Map<Case<Implementation>, List<Run>> runs = InterleavedRounds.run(cases, rounds,
					(each) -> benchmark.run(each.implementation(), each.threads(),
							Math.max(1, decisionsPerRun / each.threads()), each.hot()));
			System.out.printf("%n%-26s %-7s %7s %10s %18s %9s %9s %9s%n", "implementation", "bucket", "threads",
					"decisions/s", "(min-max)", "p50 us", "p99 us", "cmds/dec");
			for (Case<Implementation> each : cases) {
				List<Run> results = runs.get(each);
				System.out.printf("%-26s %-7s %7s %10.0f %18s %9.0f %9.0f %9.3f%n", each.implementation().label,
						each.resource(), each.threads(), Percentiles.median(results, Run::decisionsPerSecond),
						String.format("(%.0f-%.0f)", results.stream().mapToDouble(Run::decisionsPerSecond).min().orElse(0),
								results.stream().mapToDouble(Run::decisionsPerSecond).max().orElse(0)),
						Percentiles.median(results, Run::p50Micros), Percentiles.median(results, Run::p99Micros),
						Percentiles.median(results, Run::commandsPerDecision));
			}
			System.out.println();
			for (Implementation implementation : Implementation.values()) {
				for (int threads : threadCounts) {
					List<Run> hot = runs.get(new Case<>(implementation, threads, true));
					List<Run> spread = runs.get(new Case<>(implementation, threads, false));
					List<Run> single = runs.get(new Case<>(implementation, 1, true));
					// ratios per round, then their median: both sides of a ratio ran in the same round
					double[] throughput = new double[rounds];
					double[] p99 = new double[rounds];
					double[] p99Spread = new double[rounds];
					for (int round = 0; round < rounds; round++) {
						throughput[round] = hot.get(round).decisionsPerSecond() / spread.get(round).decisionsPerSecond();
						p99[round] = hot.get(round).p99Micros() / single.get(round).p99Micros();
						p99Spread[round] = hot.get(round).p99Micros() / spread.get(round).p99Micros();
					}
					System.out.printf("%-26s %2d threads: hot/spread throughput %.2f (rounds %.2f-%.2f),"
							+ " hot p99 / single-threaded p99 %.2f, hot p99 / spread p99 %.2f%n", implementation.label,
							threads, Percentiles.median(throughput), java.util.Arrays.stream(throughput).min().orElse(0),
							java.util.Arrays.stream(throughput).max().orElse(0), Percentiles.median(p99),
							Percentiles.median(p99Spread));
				}
			}
		}
		finally {
			benchmark.tearDown();
		}
	}

}

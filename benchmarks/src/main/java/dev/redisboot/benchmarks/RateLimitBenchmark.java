package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
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

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * One rate-limit decision (take one request from a client's bucket) on a bucket seen before,
 * single-threaded, against a redis-server of the benchmark's own:
 * <ul>
 * <li>{@link #redisboot()}: redisboot's {@link RateLimiter} on Spring Boot's Lettuce
 * connection (Bucket4j on redisboot's compare-and-swap proxy manager);</li>
 * <li>{@link #bucket4jLettuce()}: stock Bucket4j, {@code Bucket4jLettuce.casBasedBuilder}
 * ({@code LettuceBasedProxyManager}), the same limits;</li>
 * <li>{@link #luaTokenBucket()}: a single Lua token-bucket script per decision
 * ({@code EVALSHA}), the approach of Spring Cloud Gateway's Redis rate limiter: the
 * one-round-trip floor.</li>
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
		try {
			this.boot = this.redis.bootDefaults();
			LettuceConnectionFactory factory = this.boot.getBean(LettuceConnectionFactory.class);
			factory.getRequiredNativeClient().addListener(counting(this.bootCommands));
			this.limiter = new RateLimiter(new LettuceCommands(factory, Duration.ofSeconds(2)),
					new RedisKeyNamer("bench"), KeyDigester.unkeyed(), new RedisCircuitBreaker(3, Duration.ofSeconds(5),
							java.time.Clock.systemUTC()),
					RateLimitMetrics.NONE);
			this.rule = new RateLimitRule("bench", List.of(), Set.of(), ClientKeyResolver.ip(), "ip",
					RateLimitRule.MissingKey.DENY, List.of(Limit.of(CAPACITY, PERIOD)), Map.of(),
					RateLimitRule.RedisFailureAction.DENY, true, RateLimitRule.Stage.BEFORE_AUTHENTICATION);
			StatefulRedisConnection<byte[], byte[]> connection = this.redis.rawConnection(counting(this.rawCommands));
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
		}
		catch (RuntimeException ex) {
			tearDown();
			throw ex;
		}
	}

	private static CommandListener counting(AtomicLong counter) {
		return new CommandListener() {

			@Override
			public void commandStarted(CommandStartedEvent event) {
				counter.incrementAndGet();
			}

		};
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		try {
			if (this.redis != null) {
				this.redis.close();
			}
		}
		finally {
			this.redis = null;
			this.boot = null;
			this.lettuce = null;
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
	 * one bucket, where every decision of redisboot's finds the state changed by the other.
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
	 * Round trips per decision of redisboot's limiter with threads of one instance all
	 * deciding on one bucket at once (a hot bucket): every swap that loses the race costs a
	 * round trip more. Measured for the issue that revisits the Redis path under contention.
	 * @param threads the threads
	 * @param decisionsPerThread decisions each thread makes
	 * @return round trips per decision
	 */
	double roundTripsPerDecisionOnAHotBucket(int threads, int decisionsPerThread) throws InterruptedException {
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
		try {
			java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
			long before = this.bootCommands.get();
			List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < decisionsPerThread; i++) {
						redisboot();
					}
					return null;
				}));
			}
			start.countDown();
			for (java.util.concurrent.Future<?> future : futures) {
				future.get(5, TimeUnit.MINUTES);
			}
			return (double) (this.bootCommands.get() - before) / ((long) threads * decisionsPerThread);
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			pool.shutdownNow();
		}
	}

	/**
	 * Prints the round trips per decision: {@code java -cp benchmarks.jar
	 * dev.redisboot.benchmarks.RateLimitBenchmark}.
	 * @param args ignored
	 */
	public static void main(String[] args) throws InterruptedException {
		RateLimitBenchmark benchmark = new RateLimitBenchmark();
		benchmark.setUp();
		try {
			benchmark.roundTripsPerDecision(10_000)
				.forEach((name, trips) -> System.out.printf("%-40s %.3f round trips per decision%n", name, trips));
			for (int threads : new int[] { 2, 4, 16 }) {
				System.out.printf("%-40s %.3f round trips per decision%n", "redisboot, " + threads + " threads on one bucket",
						benchmark.roundTripsPerDecisionOnAHotBucket(threads, 2_000 / threads));
			}
		}
		finally {
			benchmark.tearDown();
		}
	}

}

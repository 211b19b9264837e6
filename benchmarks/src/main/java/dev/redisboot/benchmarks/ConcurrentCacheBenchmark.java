package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import dev.redisboot.benchmarks.BenchmarkDeployment.Connection;
import dev.redisboot.benchmarks.BenchmarkDeployment.Topology;
import dev.redisboot.benchmarks.BenchmarkDeployment.UnsharedConnection;
import dev.redisboot.benchmarks.CacheHitBenchmark.ProductService;
import dev.redisboot.benchmarks.CacheHitBenchmark.RedisbootApplication;
import dev.redisboot.cache.NearCacheInvalidation;
import dev.redisboot.cache.RedisbootCache;
import dev.redisboot.test.RedisNode;
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
import org.openjdk.jmh.infra.BenchmarkParams;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@code @Cacheable} hits under concurrency: 1, 16 or 64 JMH threads ({@code -t}) calling
 * at once, on a standalone server, a Sentinel deployment or a cluster of the benchmark's own,
 * with Boot's shared Lettuce connection, a pool, or reads from replicas ({@link Connection}).
 * Each trial starts two applications with redisboot's cache on the same deployment and
 * connection setting:
 * <ul>
 * <li>{@link #get()}: the baseline, a {@code GET} of the bytes the cache stored, through the
 * same {@link LettuceConnectionFactory} ({@code getConnection()}, {@code GET}, {@code close()}),
 * no decoding: what the connection setting costs by itself;</li>
 * <li>{@link #redisHit()}: a hit of redisboot's cache without a near cache: one {@code GET}
 * and the decoding;</li>
 * <li>{@link #nearHit()}: a hit of redisboot's near cache: no Redis command.</li>
 * </ul>
 * Every thread cycles over {@value #KEYS} entries (ids 1 to {@value #KEYS}, starting at a
 * random one), the same entries for both applications, all stored and, on a deployment with
 * replicas, replicated before the first call (and held in the near cache), so on a cluster the calls spread over the three shards. Sample-time mode: JMH reports
 * the mean and the percentiles of one call's time; the throughput is threads ÷ mean.
 * <p>
 * At the end of each trial a line gives the calls, the method bodies that ran after the
 * warm-up (0 when every call was a hit) and Redis's own count of commands per call, by node
 * role ({@code INFO commandstats} deltas over the whole trial; background commands such as a
 * cluster client's topology refresh are included, the counting's {@code INFO} is not).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ConcurrentCacheBenchmark {

	/**
	 * Entries every thread cycles over (a power of two).
	 */
	static final int KEYS = 64;

	/**
	 * Where Redis runs.
	 */
	@Param({ "STANDALONE" })
	public Topology topology;

	/**
	 * How the applications connect.
	 */
	@Param({ "SHARED" })
	public Connection connection;

	private BenchmarkDeployment deployment;

	private ProductService redisService;

	private ProductService nearService;

	private LettuceConnectionFactory connectionFactory;

	private final byte[][] keys = new byte[KEYS + 1][];

	private final LongAdder calls = new LongAdder();

	private Map<String, Map<String, Long>> commandsBefore;

	private String label;

	@Setup(Level.Trial)
	public void setUp(BenchmarkParams params) {
		start(Trial.label(params));
	}

	/**
	 * Starts the deployment and the applications and stores (and replicates) every entry.
	 * @param label what the summary line is about
	 */
	void start(String label) {
		this.label = label;
		this.deployment = BenchmarkDeployment.start(this.topology);
		Trial.setUp(() -> {
			ConfigurableApplicationContext remote = this.deployment.application(CacheApplication.class,
					this.connection.properties());
			ConfigurableApplicationContext near = this.deployment.application(CacheApplication.class,
					this.connection.properties(NearCacheBenchmark.NEAR_CACHE_PROPERTIES));
			NearCacheBenchmark.awaitSubscribed(near.getBean(NearCacheInvalidation.class));
			this.redisService = remote.getBean(ProductService.class);
			this.nearService = near.getBean(ProductService.class);
			this.connectionFactory = remote.getBean(LettuceConnectionFactory.class);
			RedisbootCache redisCache = NearCacheBenchmark.redisbootCache(remote);
			if (NearCacheBenchmark.redisbootCache(near).getSettings().nearCache() == null
					|| redisCache.getSettings().nearCache() != null) {
				throw new IllegalStateException("Expected a near cache only in the second application");
			}
			Product product = Product.withJsonSize(1024);
			this.redisService.setProduct(product);
			this.nearService.setProduct(product);
			for (long id = 1; id <= KEYS; id++) {
				this.keys[(int) id] = redisCache.redisKey(id).getBytes(StandardCharsets.UTF_8);
				this.redisService.find(id);
				this.nearService.find(id);
			}
			awaitReplicated();
			// both services' entries are in Redis now; the near cache holds its own as well
			for (long id = 1; id <= KEYS; id++) {
				this.redisService.find(id);
				this.nearService.find(id);
			}
			// the second application reads the entries the first one stored: it never loads
			if (this.redisService.loads() != KEYS || this.nearService.loads() != 0) {
				throw new IllegalStateException("Warming " + KEYS + " entries ran the method bodies "
						+ this.redisService.loads() + " and " + this.nearService.loads() + " times, not " + KEYS
						+ " and 0");
			}
			this.commandsBefore = this.deployment.commandCalls();
		}, this::tearDown);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		try {
			if (this.deployment != null && this.commandsBefore != null && this.calls.sum() > 0) {
				System.out.println();
				System.out.println(summary());
			}
		}
		finally {
			if (this.deployment != null) {
				this.deployment.close();
				this.deployment = null;
			}
		}
	}

	/**
	 * Baseline: a {@code GET} of the stored bytes through the application's connection
	 * factory.
	 * @param cursor the calling thread's position among the entries
	 * @return the stored bytes
	 */
	@Benchmark
	public byte[] get(Cursor cursor) {
		this.calls.increment();
		try (RedisConnection redis = this.connectionFactory.getConnection()) {
			return redis.stringCommands().get(this.keys[cursor.next()]);
		}
	}

	/**
	 * A hit of redisboot's cache, from Redis.
	 * @param cursor the calling thread's position among the entries
	 * @return the product
	 */
	@Benchmark
	public Product redisHit(Cursor cursor) {
		this.calls.increment();
		return this.redisService.find(cursor.next());
	}

	/**
	 * A hit of redisboot's near cache.
	 * @param cursor the calling thread's position among the entries
	 * @return the product
	 */
	@Benchmark
	public Product nearHit(Cursor cursor) {
		this.calls.increment();
		return this.nearService.find(cursor.next());
	}

	/**
	 * Starts counting calls and commands afresh (for the smoke test).
	 */
	void resetCounts() {
		this.calls.reset();
		this.commandsBefore = this.deployment.commandCalls();
	}

	/**
	 * The first application's connection factory (for checks).
	 * @return the factory
	 */
	LettuceConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	/**
	 * Commands per call since the start, by {@code role:command}.
	 * @return the counts
	 */
	Map<String, Double> commandsPerCall() {
		return BenchmarkDeployment.perOperation(this.commandsBefore, this.deployment.commandCalls(), this.calls.sum());
	}

	/**
	 * Method bodies run after the warm-up, by application.
	 * @return the counts
	 */
	Map<String, Integer> missesAfterWarmUp() {
		Map<String, Integer> misses = new LinkedHashMap<>();
		misses.put("redis", this.redisService.loads() - KEYS);
		misses.put("near", this.nearService.loads());
		return misses;
	}

	long calls() {
		return this.calls.sum();
	}

	String summary() {
		StringBuilder commands = new StringBuilder();
		commandsPerCall().forEach((command, perCall) -> commands.append(String.format(" %s %.3f", command, perCall)));
		return String.format("ConcurrentCacheBenchmark %s, %s/%s: %,d calls, misses after warm-up %s, commands per call:%s",
				this.label, this.topology, this.connection, this.calls.sum(), missesAfterWarmUp(), commands);
	}

	/**
	 * Waits until the replicas hold as many keys as the primaries.
	 */
	private void awaitReplicated() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			long primary = 0;
			long replica = 0;
			boolean replicas = false;
			for (RedisNode node : this.deployment.deployment().nodes()) {
				String role = node.info("replication").get("role");
				if (role == null) {
					continue;
				}
				long keys = Long.parseLong(String.valueOf(node.execute("DBSIZE")));
				if (role.equals("master")) {
					primary += keys;
				}
				else {
					replica += keys;
					replicas = true;
				}
			}
			if (!replicas || primary == replica) {
				return;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Replicas hold " + replica + " keys, primaries " + primary);
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
		}
	}

	/**
	 * A thread's position among the entries.
	 */
	@State(Scope.Thread)
	public static class Cursor {

		private int position = ThreadLocalRandom.current().nextInt(KEYS);

		/**
		 * The next entry's id.
		 * @return 1 to {@value ConcurrentCacheBenchmark#KEYS}
		 */
		int next() {
			this.position = (this.position + 1) & (KEYS - 1);
			return this.position + 1;
		}

	}

	/**
	 * {@link RedisbootApplication} with the switch for an unshared pooled connection.
	 */
	@Configuration(proxyBeanMethods = false)
	@Import(RedisbootApplication.class)
	static class CacheApplication {

		@Bean
		static UnsharedConnection unsharedConnection() {
			return new UnsharedConnection();
		}

	}

}

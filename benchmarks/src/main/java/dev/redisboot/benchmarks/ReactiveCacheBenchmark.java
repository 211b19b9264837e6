package dev.redisboot.benchmarks;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import dev.redisboot.benchmarks.BenchmarkDeployment.Topology;
import dev.redisboot.benchmarks.CacheHitBenchmark.ProductService;
import dev.redisboot.benchmarks.ConcurrentCacheBenchmark.CacheApplication;
import dev.redisboot.benchmarks.ConcurrentCacheBenchmark.Cursor;
import dev.redisboot.cache.RedisbootCache;
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

/**
 * A redisboot cache hit through the non-blocking {@code retrieve(key, loader)} (what
 * {@code @Cacheable(sync = true)} calls for a method returning {@code CompletableFuture},
 * {@code Mono} or {@code Flux}) beside the blocking {@code get(key, loader)} (the same for a
 * plain method), on 1, 16 or 64 JMH threads ({@code -t}), on a standalone server of the
 * benchmark's own. Each JMH thread is one caller that waits for its result, so the threads
 * are the calls in flight. {@link Keys#HOT} reads one entry on every call, {@link Keys#SPREAD}
 * cycles over {@value ConcurrentCacheBenchmark#KEYS} entries. Every entry is stored (1 KB of
 * JSON, compressed as by default) before the first call, so every call is a hit: one
 * {@code GET} and the decoding. Sample-time mode: the mean and percentiles of one call.
 * <p>
 * At the end of each trial a line gives the calls, the loads after the warm-up (0 when every
 * call was a hit) and Redis's count of commands per call ({@code INFO commandstats}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ReactiveCacheBenchmark {

	/**
	 * Which entries the calls read.
	 */
	public enum Keys {

		/**
		 * One entry for every call of every thread.
		 */
		HOT,

		/**
		 * Each thread cycles over all entries.
		 */
		SPREAD

	}

	/**
	 * Which entries the calls read.
	 */
	@Param({ "HOT", "SPREAD" })
	public Keys keys;

	private BenchmarkDeployment deployment;

	private RedisbootCache cache;

	private ProductService service;

	private Product product;

	private final LongAdder calls = new LongAdder();

	private final LongAdder loads = new LongAdder();

	private Map<String, Map<String, Long>> commandsBefore;

	private String label;

	@Setup(Level.Trial)
	public void setUp(BenchmarkParams params) {
		start(Trial.label(params));
	}

	/**
	 * Starts the deployment and the application and stores every entry.
	 * @param label what the summary line is about
	 */
	void start(String label) {
		this.label = label;
		this.deployment = BenchmarkDeployment.start(Topology.STANDALONE);
		Trial.setUp(() -> {
			ConfigurableApplicationContext application = this.deployment.application(CacheApplication.class);
			this.service = application.getBean(ProductService.class);
			this.product = Product.withJsonSize(1024);
			this.service.setProduct(this.product);
			this.cache = NearCacheBenchmark.redisbootCache(application);
			for (long id = 1; id <= ConcurrentCacheBenchmark.KEYS; id++) {
				this.service.find(id);
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
	 * The blocking path: {@code get(key, loader)}.
	 * @param cursor the calling thread's position among the entries
	 * @return the product
	 */
	@Benchmark
	public Product blockingGet(Cursor cursor) {
		this.calls.increment();
		return this.cache.get(id(cursor), () -> {
			this.loads.increment();
			return this.product;
		});
	}

	/**
	 * The non-blocking path: {@code retrieve(key, loader)}, waited for by the calling thread.
	 * @param cursor the calling thread's position among the entries
	 * @return the product
	 */
	@Benchmark
	public Product retrieve(Cursor cursor) {
		this.calls.increment();
		Supplier<CompletableFuture<Product>> loader = () -> {
			this.loads.increment();
			return CompletableFuture.completedFuture(this.product);
		};
		return this.cache.retrieve(id(cursor), loader).join();
	}

	private long id(Cursor cursor) {
		return (this.keys == Keys.HOT) ? 1 : cursor.next();
	}

	/**
	 * Starts counting calls and commands afresh (for the smoke test).
	 */
	void resetCounts() {
		this.calls.reset();
		this.commandsBefore = this.deployment.commandCalls();
	}

	/**
	 * Commands per call since the start, by {@code role:command}.
	 * @return the counts
	 */
	Map<String, Double> commandsPerCall() {
		return BenchmarkDeployment.perOperation(this.commandsBefore, this.deployment.commandCalls(), this.calls.sum());
	}

	long loads() {
		return this.loads.sum();
	}

	String summary() {
		StringBuilder commands = new StringBuilder();
		commandsPerCall().forEach((command, perCall) -> commands.append(String.format(" %s %.3f", command, perCall)));
		return String.format("ReactiveCacheBenchmark %s, %s: %,d calls, loads after warm-up %d, commands per call:%s",
				this.label, this.keys, this.calls.sum(), this.loads.sum(), commands);
	}

}

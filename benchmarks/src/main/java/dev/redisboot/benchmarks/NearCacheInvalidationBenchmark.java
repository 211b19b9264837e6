package dev.redisboot.benchmarks;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.redisboot.cache.NearCacheInvalidation;
import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import io.lettuce.core.api.sync.RedisCommands;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How long another instance's near cache goes on serving a value after it changed: two
 * instances of one application (two Boot contexts with redisboot's auto-configuration, their
 * own connections, one Redis of the benchmark's own) with a near cache on cache
 * {@code products}. Instance A changes the entry with {@code @CachePut}; instance B reads it
 * with {@code @Cacheable} in a loop on a poller thread, from memory until the invalidation
 * message ({@code PUBLISH} on {@code cache:invalidations}, sent by A after its {@code SET})
 * has dropped B's copy, then once from Redis, which refills B's near cache with the new value.
 * <p>
 * One operation ({@link #putSeenByOtherInstance()}) is one change: A's {@code @CachePut} of
 * the next version, then waiting until B's poller has read that version. JMH's sample is the
 * whole cycle, including B's read from Redis and the hand-off to the benchmark thread. The
 * figure the near cache is about is kept separately, for every change of the measured
 * iterations, and printed at the end of the trial: <b>stale window</b>, from the start of A's
 * {@code @CachePut} to the moment B's last read that returned the old value returned it: how
 * long after the change began a caller on B was still handed the old value. (It can be
 * negative: when B's poller was not running while the change went through, no caller on B got
 * the old value after the change began.) B's poller yields the CPU between reads
 * ({@link Thread#yield()}), so that on a small machine the threads that carry the message get
 * to run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NearCacheInvalidationBenchmark {

	static final String CACHE = NearCacheBenchmark.CACHE;

	static final long ID = 1;

	private BenchmarkRedis redis;

	private RedisCommands<byte[], byte[]> lettuce;

	private VersionedProductService writer;

	private VersionedProductService reader;

	private Poller poller;

	private Product product;

	private int version;

	private boolean measuring;

	private long[] staleWindows = new long[1024];

	private int staleWindowCount;

	private long[] putTimes = new long[1024];

	private long getsBefore = -1;

	private long getsDuringMeasurement;

	private long pollsBefore;

	private long pollsDuringMeasurement;

	@Setup(Level.Trial)
	public void setUp() {
		this.redis = BenchmarkRedis.start();
		Trial.setUp(() -> {
			this.lettuce = this.redis.rawLettuce();
			ConfigurableApplicationContext a = start();
			ConfigurableApplicationContext b = start();
			NearCacheBenchmark.awaitSubscribed(a.getBean(NearCacheInvalidation.class));
			NearCacheBenchmark.awaitSubscribed(b.getBean(NearCacheInvalidation.class));
			this.writer = a.getBean(VersionedProductService.class);
			this.reader = b.getBean(VersionedProductService.class);
			this.product = Product.withJsonSize(1024);
			this.version = 0;
			this.writer.update(ID, this.product.withStock(this.version));
			this.reader.setProduct(this.product.withStock(-1)); // what a miss on B would load: never expected
			if (this.reader.find(ID).stock() != this.version) {
				throw new IllegalStateException("B does not read what A wrote");
			}
			this.poller = new Poller(this.reader);
			this.poller.start();
			this.poller.await(this.version);
		}, this::tearDown);
	}

	@Setup(Level.Iteration)
	public void startIteration(IterationParams iteration) {
		this.measuring = iteration.getType() == IterationType.MEASUREMENT;
		if (this.measuring && this.getsBefore < 0) {
			this.getsBefore = gets();
			this.pollsBefore = this.poller.polls;
		}
	}

	@TearDown(Level.Iteration)
	public void endIteration() {
		if (this.measuring) {
			// Only instance B reads (GET); A's @CachePut is a SET and a PUBLISH.
			this.getsDuringMeasurement = gets() - this.getsBefore;
			this.pollsDuringMeasurement = this.poller.polls - this.pollsBefore;
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		try {
			if (this.poller != null) {
				this.poller.shutDown();
			}
			if (this.staleWindowCount > 0) {
				System.out.println();
				System.out.println(summary());
			}
		}
		finally {
			this.poller = null;
			this.lettuce = null;
			if (this.redis != null) {
				this.redis.close();
				this.redis = null;
			}
		}
	}

	/**
	 * Instance A changes the entry; returns once instance B has read the new version.
	 * @return the new version
	 */
	@Benchmark
	public int putSeenByOtherInstance() {
		int next = ++this.version;
		Product changed = this.product.withStock(next);
		long start = System.nanoTime();
		this.writer.update(ID, changed);
		long putDone = System.nanoTime();
		long lastStaleRead = this.poller.await(next);
		if (this.measuring) {
			record(lastStaleRead - start, putDone - start);
		}
		return next;
	}

	/**
	 * The stale windows recorded so far, in nanoseconds, sorted.
	 * @return a copy
	 */
	long[] staleWindows() {
		long[] sorted = Arrays.copyOf(this.staleWindows, this.staleWindowCount);
		Arrays.sort(sorted);
		return sorted;
	}

	/**
	 * Reads instance B did during the measured iterations.
	 * @return the number of reads
	 */
	long pollsDuringMeasurement() {
		return this.pollsDuringMeasurement;
	}

	/**
	 * Times instance B's method body ran (a miss on B): never, since A writes first.
	 * @return the number of loads on B
	 */
	int readerLoads() {
		return this.reader.loads();
	}

	/**
	 * Counts every change from now on, as in a measured iteration (for the smoke test).
	 */
	void measureFromNowOn() {
		this.measuring = true;
		this.getsBefore = gets();
		this.pollsBefore = this.poller.polls;
	}

	/**
	 * Ends a measured iteration (for the smoke test).
	 */
	void endMeasurement() {
		endIteration();
	}

	/**
	 * Redis GETs during the measured iterations: instance B's reads from Redis.
	 * @return the number of GETs
	 */
	long getsDuringMeasurement() {
		return this.getsDuringMeasurement;
	}

	private long gets() {
		return CommandCounter.total(this.lettuce, "get");
	}

	/**
	 * One line with the stale window's and the {@code @CachePut}'s distributions.
	 * @return the summary
	 */
	String summary() {
		long[] windows = staleWindows();
		long[] puts = Arrays.copyOf(this.putTimes, this.staleWindowCount);
		long[] afterPut = new long[this.staleWindowCount];
		for (int i = 0; i < afterPut.length; i++) {
			afterPut[i] = this.staleWindows[i] - this.putTimes[i];
		}
		Arrays.sort(puts);
		Arrays.sort(afterPut);
		return String.format(
				"NearCacheInvalidationBenchmark: %d changes; stale window (A's @CachePut start -> last "
						+ "old value returned on B), µs: min %s, p50 %s, p90 %s, p99 %s, p99.9 %s, max %s; "
						+ "A's @CachePut (SET + PUBLISH), µs: p50 %s, p99 %s; stale window minus A's @CachePut, µs: "
						+ "p50 %s, p99 %s; B read %d times, %d of them from Redis",
				windows.length, micros(windows[0]), micros(Percentiles.nearestRank(windows, 0.50)),
				micros(Percentiles.nearestRank(windows, 0.90)), micros(Percentiles.nearestRank(windows, 0.99)),
				micros(Percentiles.nearestRank(windows, 0.999)), micros(windows[windows.length - 1]),
				micros(Percentiles.nearestRank(puts, 0.50)), micros(Percentiles.nearestRank(puts, 0.99)),
				micros(Percentiles.nearestRank(afterPut, 0.50)), micros(Percentiles.nearestRank(afterPut, 0.99)),
				this.pollsDuringMeasurement,
				this.getsDuringMeasurement);
	}

	private void record(long staleWindow, long putTime) {
		if (this.staleWindowCount == this.staleWindows.length) {
			this.staleWindows = Arrays.copyOf(this.staleWindows, this.staleWindowCount * 2);
			this.putTimes = Arrays.copyOf(this.putTimes, this.staleWindowCount * 2);
		}
		this.staleWindows[this.staleWindowCount] = staleWindow;
		this.putTimes[this.staleWindowCount] = putTime;
		this.staleWindowCount++;
	}

	private static String micros(long nanos) {
		return String.format("%.1f", nanos / 1000.0);
	}

	private ConfigurableApplicationContext start() {
		return this.redis.application(InstanceApplication.class, NearCacheBenchmark.NEAR_CACHE_PROPERTIES);
	}

	/**
	 * Instance B's reader: calls {@code find} in a loop and publishes each new version it
	 * reads with the time the read started.
	 */
	static final class Poller extends Thread {

		private final VersionedProductService reader;

		private volatile boolean running = true;

		private volatile int seenVersion = Integer.MIN_VALUE;

		private volatile long previousVersionLastReturned;

		private volatile Thread waiter;

		private volatile RuntimeException failure;

		volatile long polls;

		Poller(VersionedProductService reader) {
			super("instance-b-poller");
			setDaemon(true);
			this.reader = reader;
		}

		@Override
		public void run() {
			try {
				int seen = Integer.MIN_VALUE;
				long count = 0;
				long lastReturned = System.nanoTime();
				while (this.running) {
					int version = this.reader.find(ID).stock();
					long returned = System.nanoTime();
					this.polls = ++count;
					if (version != seen) {
						seen = version;
						this.previousVersionLastReturned = lastReturned;
						this.seenVersion = version;
						Thread waiting = this.waiter;
						if (waiting != null) {
							LockSupport.unpark(waiting);
						}
					}
					lastReturned = returned;
					Thread.yield();
				}
			}
			catch (RuntimeException ex) {
				this.failure = ex;
				Thread waiting = this.waiter;
				if (waiting != null) {
					LockSupport.unpark(waiting);
				}
			}
		}

		/**
		 * Waits until the poller has read a version.
		 * @param version the version
		 * @return when the last read that returned the version before it returned
		 * ({@link System#nanoTime()})
		 */
		long await(int version) {
			this.waiter = Thread.currentThread();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (this.seenVersion != version) {
				if (this.failure != null) {
					throw new IllegalStateException("Instance B's reads failed", this.failure);
				}
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("Instance B did not read version " + version + " within 10 s; it reads "
							+ this.seenVersion);
				}
				LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
			}
			return this.previousVersionLastReturned;
		}

		void shutDown() {
			this.running = false;
			try {
				join(TimeUnit.SECONDS.toMillis(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

	/**
	 * The cached service of both instances: {@code find} reads through the cache, {@code update}
	 * writes through it. The method body of {@code find} counts how often it runs.
	 */
	public static class VersionedProductService {

		private final AtomicInteger loads = new AtomicInteger();

		private volatile Product product;

		/**
		 * Sets what {@code find}'s body returns on a miss.
		 * @param product the product
		 */
		public void setProduct(Product product) {
			this.product = product;
		}

		/**
		 * Finds a product: near cache, then Redis, then this body.
		 * @param id the id, which is the cache key
		 * @return the product
		 */
		@Cacheable(CACHE)
		public Product find(long id) {
			this.loads.incrementAndGet();
			return Objects.requireNonNull(this.product, "no product set");
		}

		/**
		 * Stores a changed product.
		 * @param id the id, which is the cache key
		 * @param product the new value
		 * @return the new value, which the cache stores
		 */
		@CachePut(cacheNames = CACHE, key = "#id")
		public Product update(long id, Product product) {
			return product;
		}

		/**
		 * How often {@code find}'s body ran.
		 * @return the count
		 */
		public int loads() {
			return this.loads.get();
		}

	}

	/**
	 * One instance: the redisboot starter's auto-configurations and the service.
	 */
	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
			RedisbootCacheAutoConfiguration.class, CacheAutoConfiguration.class })
	static class InstanceApplication {

		@Bean
		VersionedProductService versionedProductService() {
			return new VersionedProductService();
		}

	}

}

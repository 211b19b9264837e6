package dev.redisboot.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.redisboot.cache.RedisbootCache;
import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.cache.RedisCache;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * A cache stampede: {@value #CALLERS} concurrent callers (or {@link #callers}: 1, 16 and 64 for
 * the concurrency figures) of a {@code @Cacheable} method on a
 * cold key, released together, whose method body (the "database") takes
 * {@value #LOAD_MILLIS} ms. Counts how often that body runs per round. Every round uses a
 * fresh key, so every round starts cold; the callers are platform threads of a pool created in
 * the trial setup, each parked on one latch before the round starts (not timed), then
 * released at once.
 * <p>
 * One operation is one round. JMH's score (single-shot time) is the time from the release
 * until the last caller has its value. The loader calls are the auxiliary counter
 * {@code loaderCalls} (per round) and, with their minimum and maximum over the measured
 * rounds, printed at the end of each trial.
 * <p>
 * Scenarios ({@link Scenario}): Spring Boot's own {@code RedisCacheManager} with its defaults,
 * with plain {@code @Cacheable} and {@code @Cacheable(sync = true)}, and with the opt-in
 * locking cache writer ({@link RedisCacheWriter#lockingRedisCacheWriter}) across two
 * instances; redisboot's cache manager with plain {@code @Cacheable}, with
 * {@code sync = true}, and with {@code stampede-protection: true} on plain
 * {@code @Cacheable}, in one instance and across two. Two instances are two Boot contexts in
 * this JVM, each with its own connections, sharing the benchmark's Redis; half of the callers
 * call each.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 5)
@Measurement(iterations = 20)
public class StampedeBenchmark {

	static final String CACHE = "products";

	/**
	 * Concurrent callers per round.
	 */
	static final int CALLERS = 200;

	/**
	 * How long the cached method's body takes.
	 */
	static final long LOAD_MILLIS = 50;

	/**
	 * Who caches, and how the method is annotated.
	 */
	@Param
	public Scenario scenario;

	/**
	 * Concurrent callers per round.
	 */
	@Param({ "" + CALLERS })
	public int callers = CALLERS;

	private Map<String, Map<String, Long>> commandsBefore;

	private Map<String, Double> commandsPerRound = Map.of();

	private BenchmarkRedis redis;

	private final List<StampedeService> services = new ArrayList<>();

	private ThreadPoolExecutor callerPool;

	private Product product;

	private long nextId = 1;

	private long id;

	private int loadsBefore;

	private CountDownLatch release;

	private CountDownLatch done;

	private final AtomicInteger wrongResults = new AtomicInteger();

	private final AtomicReference<Throwable> failure = new AtomicReference<>();

	private boolean measuring;

	private final List<Integer> measuredRounds = new ArrayList<>();

	private int lastRoundLoads;

	@Setup(Level.Trial)
	public void setUp() {
		this.redis = BenchmarkRedis.start();
		Trial.setUp(() -> {
			this.product = Product.withJsonSize(1024);
			for (int i = 0; i < this.scenario.instances; i++) {
				ConfigurableApplicationContext context = this.redis.application(this.scenario.application,
						this.scenario.properties);
				Cache cache = context.getBean(CacheManager.class).getCache(CACHE);
				if (this.scenario.redisboot != (cache instanceof RedisbootCache)
						|| !this.scenario.redisboot && !(cache instanceof RedisCache)) {
					throw new IllegalStateException(this.scenario + " expects another cache than " + cache);
				}
				StampedeService service = context.getBean(StampedeService.class);
				service.setProduct(this.product);
				this.services.add(service);
			}
			this.callerPool = new ThreadPoolExecutor(this.callers, this.callers, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
					(task) -> {
						Thread thread = new Thread(task, "stampede-caller");
						thread.setDaemon(true);
						return thread;
					});
			this.callerPool.prestartAllCoreThreads();
		}, this::tearDown);
	}

	@Setup(Level.Iteration)
	public void startIteration(IterationParams iteration) {
		this.measuring = iteration.getType() == IterationType.MEASUREMENT;
		if (this.measuring && this.commandsBefore == null) {
			this.commandsBefore = commandCalls();
		}
	}

	/**
	 * Gets the callers of the next round ready: each is parked on the release latch.
	 * @throws InterruptedException if interrupted
	 */
	@Setup(Level.Invocation)
	public void prepareRound() throws InterruptedException {
		this.id = this.nextId++;
		this.loadsBefore = loads();
		this.release = new CountDownLatch(1);
		this.done = new CountDownLatch(this.callers);
		CountDownLatch ready = new CountDownLatch(this.callers);
		long id = this.id;
		CountDownLatch release = this.release;
		CountDownLatch done = this.done;
		for (int i = 0; i < this.callers; i++) {
			StampedeService service = this.services.get(i % this.services.size());
			this.callerPool.execute(() -> {
				try {
					ready.countDown();
					release.await();
					Product found = this.scenario.sync ? service.findSync(id) : service.find(id);
					if (!this.product.equals(found)) {
						this.wrongResults.incrementAndGet();
					}
				}
				catch (Throwable ex) {
					this.failure.compareAndSet(null, ex);
				}
				finally {
					done.countDown();
				}
			});
		}
		if (!ready.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("The callers did not get ready within 30 s");
		}
	}

	/**
	 * Releases the callers of the round and waits for all of them.
	 * @param counters the loader calls of the round
	 * @throws InterruptedException if interrupted
	 */
	@Benchmark
	public void round(LoaderCalls counters) throws InterruptedException {
		this.release.countDown();
		if (!this.done.await(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException("The callers of round " + this.id + " did not finish within 60 s");
		}
		counters.loaderCalls += loads() - this.loadsBefore;
	}

	@TearDown(Level.Invocation)
	public void finishRound() {
		Throwable ex = this.failure.getAndSet(null);
		if (ex != null) {
			throw new IllegalStateException("A caller failed in round " + this.id, ex);
		}
		int wrong = this.wrongResults.getAndSet(0);
		if (wrong > 0) {
			throw new IllegalStateException(wrong + " callers got a wrong value in round " + this.id);
		}
		this.lastRoundLoads = loads() - this.loadsBefore;
		if (this.measuring) {
			this.measuredRounds.add(this.lastRoundLoads);
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		try {
			if (!this.measuredRounds.isEmpty()) {
				if (this.commandsBefore != null) {
					this.commandsPerRound = BenchmarkDeployment.perOperation(this.commandsBefore, commandCalls(),
							this.measuredRounds.size());
				}
				System.out.println();
				System.out.println(summary());
			}
			if (this.callerPool != null) {
				this.callerPool.shutdownNow();
			}
		}
		finally {
			this.services.clear();
			this.callerPool = null;
			this.commandsBefore = null;
			if (this.redis != null) {
				this.redis.close();
				this.redis = null;
			}
		}
	}

	/**
	 * Loader calls of the last round.
	 * @return the count
	 */
	int lastRoundLoads() {
		return this.lastRoundLoads;
	}

	/**
	 * Loader calls of each measured round.
	 * @return the counts, in order
	 */
	List<Integer> measuredRounds() {
		return List.copyOf(this.measuredRounds);
	}

	/**
	 * Marks the following rounds as measured (for the smoke test).
	 */
	void measureFromNowOn() {
		this.measuring = true;
		this.commandsBefore = commandCalls();
	}

	/**
	 * Redis commands per measured round (including those of the callers' lock waits), from
	 * {@code INFO commandstats}, by {@code primary:command}, computed at the end of the trial
	 * or by {@link #commandsSoFar()}.
	 * @return the counts
	 */
	Map<String, Double> commandsPerRound() {
		return this.commandsPerRound;
	}

	/**
	 * Computes {@link #commandsPerRound()} now (for the smoke test).
	 * @return the counts
	 */
	Map<String, Double> commandsSoFar() {
		this.commandsPerRound = BenchmarkDeployment.perOperation(this.commandsBefore, commandCalls(),
				this.measuredRounds.size());
		return this.commandsPerRound;
	}

	private Map<String, Map<String, Long>> commandCalls() {
		return Map.of("primary", CommandCounter.calls(this.redis.rawLettuce()));
	}

	/**
	 * One line with the loader calls per measured round.
	 * @return the summary
	 */
	String summary() {
		int min = this.measuredRounds.stream().mapToInt(Integer::intValue).min().orElse(-1);
		int max = this.measuredRounds.stream().mapToInt(Integer::intValue).max().orElse(-1);
		return String.format("StampedeBenchmark %s: %d callers, %d instance(s), %d measured rounds; "
				+ "loader calls per round: min %d, max %d, all %s; Redis commands per round: %s", this.scenario,
				this.callers, this.scenario.instances, this.measuredRounds.size(), min, max, this.measuredRounds,
				this.commandsPerRound);
	}

	private int loads() {
		int loads = 0;
		for (StampedeService service : this.services) {
			loads += service.loads();
		}
		return loads;
	}

	/**
	 * Loader calls, reported by JMH next to the round time: their sum over a round.
	 */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.EVENTS)
	public static class LoaderCalls {

		/**
		 * Times the cached method's body ran in the round.
		 */
		public long loaderCalls;

		@Setup(Level.Iteration)
		public void reset() {
			this.loaderCalls = 0;
		}

	}

	/**
	 * Who caches, how the method is annotated, and in how many instances.
	 */
	public enum Scenario {

		/**
		 * Spring Boot's {@code RedisCacheManager}, defaults, plain {@code @Cacheable}.
		 */
		BOOT_PLAIN(BootApplication.class, false, false, 1, "spring.cache.type=redis", "redisboot.cache.enabled=false"),

		/**
		 * Spring Boot's {@code RedisCacheManager}, defaults, {@code @Cacheable(sync = true)}.
		 */
		BOOT_SYNC(BootApplication.class, false, true, 1, "spring.cache.type=redis", "redisboot.cache.enabled=false"),

		/**
		 * Spring Boot's {@code RedisCacheManager} with the opt-in locking cache writer (one lock
		 * per cache name in Redis), {@code @Cacheable(sync = true)}, two instances.
		 */
		BOOT_LOCKING_SYNC_TWO_INSTANCES(BootLockingApplication.class, false, true, 2, "spring.cache.type=redis",
				"redisboot.cache.enabled=false"),

		/**
		 * redisboot's cache manager, defaults, plain {@code @Cacheable}.
		 */
		REDISBOOT_PLAIN(RedisbootApplication.class, true, false, 1),

		/**
		 * redisboot's cache manager, defaults, {@code @Cacheable(sync = true)}.
		 */
		REDISBOOT_SYNC(RedisbootApplication.class, true, true, 1),

		/**
		 * redisboot's cache manager, {@code stampede-protection: true}, plain
		 * {@code @Cacheable}.
		 */
		REDISBOOT_PROTECTED(RedisbootApplication.class, true, false, 1,
				"redisboot.cache.caches." + CACHE + ".stampede-protection=true"),

		/**
		 * redisboot's cache manager, defaults, {@code @Cacheable(sync = true)}, two instances.
		 */
		REDISBOOT_SYNC_TWO_INSTANCES(RedisbootApplication.class, true, true, 2),

		/**
		 * redisboot's cache manager, {@code stampede-protection: true}, plain
		 * {@code @Cacheable}, two instances.
		 */
		REDISBOOT_PROTECTED_TWO_INSTANCES(RedisbootApplication.class, true, false, 2,
				"redisboot.cache.caches." + CACHE + ".stampede-protection=true");

		final Class<?> application;

		final boolean redisboot;

		final boolean sync;

		final int instances;

		final String[] properties;

		Scenario(Class<?> application, boolean redisboot, boolean sync, int instances, String... properties) {
			this.application = application;
			this.redisboot = redisboot;
			this.sync = sync;
			this.instances = instances;
			this.properties = properties;
		}

	}

	/**
	 * The cached service: its method body is the slow "database" and counts how often it runs.
	 */
	public static class StampedeService {

		private final AtomicInteger loads = new AtomicInteger();

		private volatile Product product;

		/**
		 * Sets what the method body returns.
		 * @param product the product
		 */
		public void setProduct(Product product) {
			this.product = product;
		}

		/**
		 * Plain {@code @Cacheable}: with Spring's cache abstraction, every caller that misses
		 * runs the body, unless the cache manager synchronizes the operation.
		 * @param id the id, which is the cache key
		 * @return the product
		 * @throws InterruptedException if interrupted while "loading"
		 */
		@Cacheable(CACHE)
		public Product find(long id) throws InterruptedException {
			return load();
		}

		/**
		 * {@code @Cacheable(sync = true)}: the cache's {@code get(key, loader)}.
		 * @param id the id, which is the cache key
		 * @return the product
		 * @throws InterruptedException if interrupted while "loading"
		 */
		@Cacheable(cacheNames = CACHE, sync = true)
		public Product findSync(long id) throws InterruptedException {
			return load();
		}

		/**
		 * How often a method body ran.
		 * @return the count
		 */
		public int loads() {
			return this.loads.get();
		}

		private Product load() throws InterruptedException {
			this.loads.incrementAndGet();
			Thread.sleep(LOAD_MILLIS);
			return Objects.requireNonNull(this.product, "no product set");
		}

	}

	/**
	 * An application with the redisboot starter's auto-configurations.
	 */
	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
			RedisbootCacheAutoConfiguration.class, CacheAutoConfiguration.class })
	static class RedisbootApplication {

		@Bean
		StampedeService stampedeService() {
			return new StampedeService();
		}

	}

	/**
	 * The same application with redisboot's cache switched off and Spring Boot's own
	 * {@link RedisCacheManager}, which needs {@code @EnableCaching}.
	 */
	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	@EnableCaching
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
			RedisbootCacheAutoConfiguration.class, CacheAutoConfiguration.class })
	static class BootApplication {

		@Bean
		StampedeService stampedeService() {
			return new StampedeService();
		}

	}

	/**
	 * Spring Boot's {@link RedisCacheManager} with Spring Data Redis's locking cache writer,
	 * which an application opts into with a customizer like this one.
	 */
	@Configuration(proxyBeanMethods = false)
	@Import(BootApplication.class)
	static class BootLockingApplication {

		@Bean
		RedisCacheManagerBuilderCustomizer lockingCacheWriter(RedisConnectionFactory connectionFactory) {
			return (builder) -> builder.cacheWriter(RedisCacheWriter.lockingRedisCacheWriter(connectionFactory));
		}

	}

}

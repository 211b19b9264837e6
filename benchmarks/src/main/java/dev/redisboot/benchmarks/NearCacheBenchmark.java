package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.redisboot.benchmarks.CacheHitBenchmark.BootApplication;
import dev.redisboot.benchmarks.CacheHitBenchmark.ProductService;
import dev.redisboot.benchmarks.CacheHitBenchmark.RedisbootApplication;
import dev.redisboot.cache.NearCacheInvalidation;
import dev.redisboot.cache.RedisbootCache;
import io.lettuce.core.api.sync.RedisCommands;
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

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A {@code @Cacheable} hit served by redisboot's near cache (Caffeine in memory, in front of
 * Redis) vs the same hit served by Redis, one thread, against a redis-server of the
 * benchmark's own on a loopback port. The same {@link ProductService} of
 * {@link CacheHitBenchmark}, {@code @Cacheable("products") Product find(long id)}, runs in two
 * minimal non-web Boot applications with redisboot's auto-configuration that differ in one
 * setting:
 * <ul>
 * <li>{@link #redisbootNear()}: {@code redisboot.cache.caches.products.near-cache.enabled=true}
 * (and {@code near-cache.ttl=10m}, so that no in-memory entry expires during a run; the
 * default is 1 minute);</li>
 * <li>{@link #redisboot()}: every property at its default, no near cache: every hit is a
 * Redis {@code GET} and a decode, as in {@link CacheHitBenchmark#redisboot()};</li>
 * <li>{@link #rawLettuce()}: the baseline, a raw Lettuce sync {@code GET} of the exact bytes
 * redisboot stored for the Redis hit; no decoding, no Spring;</li>
 * <li>{@link #springInMemory()}: the floor of any {@code @Cacheable} hit, the same method on
 * Spring's own in-memory {@link ConcurrentMapCacheManager} ({@code spring.cache.type=simple},
 * {@code redisboot.cache.enabled=false}): Spring's cache interceptor and a
 * {@code ConcurrentHashMap} look-up, nothing else.</li>
 * </ul>
 * The value is the {@link Product} of {@link CacheHitBenchmark}, whose JSON is exactly
 * {@link #valueSize} bytes (compressed in Redis above 1 KB). Each application has its own
 * entry, found by a different id, warmed by one miss in the trial setup. The setup also checks
 * that the near cache is live (its invalidation channel is subscribed) and that near-cache
 * hits send no command to Redis at all, counted with {@code INFO commandstats}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NearCacheBenchmark {

	static final String CACHE = CacheHitBenchmark.CACHE;

	static final long NEAR_ID = 1;

	static final long REDIS_ID = 2;

	static final long IN_MEMORY_ID = 3;

	/**
	 * The properties that give cache {@code products} a near cache.
	 */
	static final String[] NEAR_CACHE_PROPERTIES = { "redisboot.cache.caches." + CACHE + ".near-cache.enabled=true",
			"redisboot.cache.caches." + CACHE + ".near-cache.ttl=10m" };

	/**
	 * Size of the value's JSON, as redisboot writes it, in bytes.
	 */
	@Param({ "1024", "10240" })
	public int valueSize;

	private BenchmarkRedis redis;

	private RedisCommands<byte[], byte[]> lettuce;

	private ProductService nearService;

	private ProductService redisService;

	private ProductService inMemoryService;

	private Product product;

	private byte[] redisKey;

	@Setup(Level.Trial)
	public void setUp() {
		this.redis = BenchmarkRedis.start();
		Trial.setUp(() -> {
			this.lettuce = this.redis.rawLettuce();
			ConfigurableApplicationContext near = this.redis.application(RedisbootApplication.class,
					NEAR_CACHE_PROPERTIES);
			ConfigurableApplicationContext remote = this.redis.application(RedisbootApplication.class);
			ConfigurableApplicationContext inMemory = this.redis.application(BootApplication.class,
					"spring.cache.type=simple", "redisboot.cache.enabled=false");
			if (!(inMemory.getBean(CacheManager.class) instanceof ConcurrentMapCacheManager)) {
				throw new IllegalStateException("Expected Spring's in-memory cache manager, not "
						+ inMemory.getBean(CacheManager.class));
			}
			this.inMemoryService = inMemory.getBean(ProductService.class);
			awaitSubscribed(near.getBean(NearCacheInvalidation.class));
			this.nearService = near.getBean(ProductService.class);
			this.redisService = remote.getBean(ProductService.class);
			RedisbootCache nearCache = redisbootCache(near);
			RedisbootCache redisCache = redisbootCache(remote);
			if (nearCache.getSettings().nearCache() == null || redisCache.getSettings().nearCache() != null) {
				throw new IllegalStateException("Expected a near cache only in the first application: "
						+ nearCache.getSettings() + " / " + redisCache.getSettings());
			}
			this.redisKey = redisCache.redisKey(REDIS_ID).getBytes(StandardCharsets.UTF_8);
			this.product = Product.withJsonSize(this.valueSize);
			for (ProductService service : services().values()) {
				service.setProduct(this.product);
			}
			// One miss each: the method runs once and its result is stored (in Redis, and in memory
			// for the near cache); every later call is a hit.
			this.nearService.find(NEAR_ID);
			this.redisService.find(REDIS_ID);
			this.inMemoryService.find(IN_MEMORY_ID);
			for (Map.Entry<String, ProductService> service : services().entrySet()) {
				if (service.getValue().loads() != 1) {
					throw new IllegalStateException(service.getKey() + " ran its method " + service.getValue().loads()
							+ " times to warm its entry, not once");
				}
			}
			if (this.lettuce.exists(this.redisKey) != 1) {
				throw new IllegalStateException("Nothing stored under " + new String(this.redisKey, StandardCharsets.UTF_8));
			}
			long before = CommandCounter.total(this.lettuce, null);
			for (int i = 0; i < 100; i++) {
				this.nearService.find(NEAR_ID);
			}
			long sent = CommandCounter.total(this.lettuce, null) - before - 1; // the INFO that counted
			if (sent != 0) {
				throw new IllegalStateException("100 near-cache hits sent " + sent + " commands to Redis, not 0");
			}
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
	 * Baseline: raw Lettuce, synchronous GET of the bytes redisboot stored for
	 * {@link #redisboot()} (compressed for the 10 KiB value).
	 * @return the stored bytes
	 */
	@Benchmark
	public byte[] rawLettuce() {
		return this.lettuce.get(this.redisKey);
	}

	/**
	 * A hit through redisboot's cache manager without a near cache: one Redis round trip.
	 * @return the cached product
	 */
	@Benchmark
	public Product redisboot() {
		return this.redisService.find(REDIS_ID);
	}

	/**
	 * A hit served by redisboot's near cache: no Redis call.
	 * @return the cached product
	 */
	@Benchmark
	public Product redisbootNear() {
		return this.nearService.find(NEAR_ID);
	}

	/**
	 * The floor: a hit on Spring's in-memory {@link ConcurrentMapCacheManager}.
	 * @return the cached product
	 */
	@Benchmark
	public Product springInMemory() {
		return this.inMemoryService.find(IN_MEMORY_ID);
	}

	/**
	 * The product every cached method returns, for checks.
	 * @return the product
	 */
	Product expectedProduct() {
		return this.product;
	}

	/**
	 * The service of each application, by benchmark name, for checks.
	 * @return the services
	 */
	Map<String, ProductService> services() {
		Map<String, ProductService> services = new LinkedHashMap<>();
		services.put("redisbootNear", this.nearService);
		services.put("redisboot", this.redisService);
		services.put("springInMemory", this.inMemoryService);
		return services;
	}

	/**
	 * Commands Redis has run so far, all of them, from {@code INFO commandstats} (which counts
	 * the {@code INFO} that asks, too).
	 * @return the number of commands
	 */
	long commandCalls() {
		return CommandCounter.total(this.lettuce, null);
	}

	/**
	 * The bytes stored under the Redis hit's key, read with the benchmark's own connection.
	 * @return the bytes
	 */
	byte[] storedForRedisHit() {
		return this.lettuce.get(this.redisKey);
	}

	/**
	 * Waits until a near-cache invalidation channel is subscribed: only then do near caches
	 * serve (before, every read goes to Redis).
	 * @param invalidation the channel
	 */
	static void awaitSubscribed(NearCacheInvalidation invalidation) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!invalidation.isSubscribed()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(
						"The near-cache invalidation channel " + invalidation.getChannel() + " is not subscribed after 10 s");
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
	}

	/**
	 * redisboot's cache {@code products} of an application.
	 * @param context the application
	 * @return the cache
	 */
	static RedisbootCache redisbootCache(ConfigurableApplicationContext context) {
		Cache cache = context.getBean(CacheManager.class).getCache(CACHE);
		if (!(cache instanceof RedisbootCache redisbootCache)) {
			throw new IllegalStateException("redisboot's cache manager is not in use: " + cache);
		}
		return redisbootCache;
	}

}

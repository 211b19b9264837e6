package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import dev.redisboot.cache.RedisbootCache;
import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.codec.ValueEnvelope;
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
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * A {@code @Cacheable} remote hit, one Redis round trip per operation, against a
 * redis-server of the benchmark's own on a loopback port. The same {@link ProductService}
 * bean, with the same {@code @Cacheable("products")} method, runs in four minimal non-web
 * Spring Boot applications that differ only in the cache manager:
 * <ul>
 * <li>{@link #redisboot()}: redisboot's cache manager with its defaults (JSON, Zstandard
 * for values larger than 1 KB, so the 10 KiB value is stored compressed);</li>
 * <li>{@link #redisbootUncompressed()}: the same with
 * {@code redisboot.cache.compression.enabled=false};</li>
 * <li>{@link #bootJdk()}: Spring Boot's own {@link RedisCacheManager}
 * ({@code spring.cache.type=redis}, {@code redisboot.cache.enabled=false}), all defaults,
 * which means JDK serialization;</li>
 * <li>{@link #bootJson()}: the same with the JSON serializer an application typically wires
 * instead, a {@link RedisCacheConfiguration} bean with Spring Data Redis's
 * {@link GenericJacksonJsonRedisSerializer} and default typing limited to this package and
 * the JDK types the value holds.</li>
 * </ul>
 * The baselines are raw Lettuce sync {@code GET}s of the exact bytes redisboot stored:
 * {@link #rawLettuce()} of the default entry, {@link #rawLettuceUncompressed()} of the
 * uncompressed one; no decoding, no Spring.
 * <p>
 * The value is a {@link Product} whose JSON, as redisboot writes it (with its type id), is
 * exactly {@link #valueSize} bytes: 1,024 bytes is not larger than the 1 KB threshold, so
 * that value is stored uncompressed by both redisboot variants.
 * <p>
 * Each manager has its own entry, found by a different id (so one Redis holds all four
 * without any setting other than the one being compared), warmed in the trial setup by one
 * miss (Boot's manager stores asynchronously, so the setup waits until every entry is in
 * Redis); every measured call is a hit, which the smoke test checks by counting calls of the
 * method body.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CacheHitBenchmark {

	static final String CACHE = "products";

	static final long REDISBOOT_ID = 1;

	static final long REDISBOOT_UNCOMPRESSED_ID = 2;

	static final long BOOT_JDK_ID = 3;

	static final long BOOT_JSON_ID = 4;

	/**
	 * Size of the value's JSON, as redisboot writes it, in bytes.
	 */
	@Param({ "1024", "10240" })
	public int valueSize;

	private BenchmarkRedis redis;

	private RedisCommands<byte[], byte[]> lettuce;

	private RedisbootCache redisbootCache;

	private RedisbootCache redisbootUncompressedCache;

	private ProductService redisbootService;

	private ProductService redisbootUncompressedService;

	private ProductService bootJdkService;

	private ProductService bootJsonService;

	private Product product;

	private byte[] redisbootKey;

	private byte[] redisbootUncompressedKey;

	@Setup(Level.Trial)
	public void setUp() {
		this.redis = BenchmarkRedis.start();
		Trial.setUp(() -> {
			this.lettuce = this.redis.rawLettuce();
			ConfigurableApplicationContext redisboot = this.redis.application(RedisbootApplication.class);
			this.redisbootService = redisboot.getBean(ProductService.class);
			this.redisbootCache = redisbootCache(redisboot);
			ConfigurableApplicationContext redisbootUncompressed = this.redis.application(RedisbootApplication.class,
					"redisboot.cache.compression.enabled=false");
			this.redisbootUncompressedService = redisbootUncompressed.getBean(ProductService.class);
			this.redisbootUncompressedCache = redisbootCache(redisbootUncompressed);
			this.bootJdkService = this.redis
				.application(BootApplication.class, "spring.cache.type=redis", "redisboot.cache.enabled=false")
				.getBean(ProductService.class);
			this.bootJsonService = this.redis
				.application(BootJsonApplication.class, "spring.cache.type=redis", "redisboot.cache.enabled=false")
				.getBean(ProductService.class);
			this.redisbootKey = redisKey(this.redisbootCache, REDISBOOT_ID);
			this.redisbootUncompressedKey = redisKey(this.redisbootUncompressedCache, REDISBOOT_UNCOMPRESSED_ID);
			this.product = sizedProduct();
			// One miss each: the method runs once and its result is stored; every later call is a hit.
			for (ProductService service : services().values()) {
				service.setProduct(this.product);
			}
			this.redisbootService.find(REDISBOOT_ID);
			this.redisbootUncompressedService.find(REDISBOOT_UNCOMPRESSED_ID);
			this.bootJdkService.find(BOOT_JDK_ID);
			this.bootJsonService.find(BOOT_JSON_ID);
			for (Map.Entry<String, ProductService> service : services().entrySet()) {
				if (service.getValue().loads() != 1) {
					throw new IllegalStateException(service.getKey() + " ran its method " + service.getValue().loads()
							+ " times to warm its entry, not once");
				}
			}
			for (Map.Entry<String, byte[]> key : redisKeys().entrySet()) {
				awaitStored(key.getKey(), key.getValue());
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
	 * Baseline: raw Lettuce, synchronous GET of the bytes redisboot stored with its
	 * defaults (compressed for the 10 KiB value).
	 * @return the stored bytes
	 */
	@Benchmark
	public byte[] rawLettuce() {
		return this.lettuce.get(this.redisbootKey);
	}

	/**
	 * Baseline: raw Lettuce, synchronous GET of the bytes redisboot stored without
	 * compression.
	 * @return the stored bytes
	 */
	@Benchmark
	public byte[] rawLettuceUncompressed() {
		return this.lettuce.get(this.redisbootUncompressedKey);
	}

	/**
	 * A hit through redisboot's cache manager, defaults.
	 * @return the cached product
	 */
	@Benchmark
	public Product redisboot() {
		return this.redisbootService.find(REDISBOOT_ID);
	}

	/**
	 * A hit through redisboot's cache manager without compression.
	 * @return the cached product
	 */
	@Benchmark
	public Product redisbootUncompressed() {
		return this.redisbootUncompressedService.find(REDISBOOT_UNCOMPRESSED_ID);
	}

	/**
	 * A hit through Spring Boot's {@link RedisCacheManager}, defaults (JDK serialization).
	 * @return the cached product
	 */
	@Benchmark
	public Product bootJdk() {
		return this.bootJdkService.find(BOOT_JDK_ID);
	}

	/**
	 * A hit through Spring Boot's {@link RedisCacheManager} with
	 * {@link GenericJacksonJsonRedisSerializer}.
	 * @return the cached product
	 */
	@Benchmark
	public Product bootJson() {
		return this.bootJsonService.find(BOOT_JSON_ID);
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
		services.put("redisboot", this.redisbootService);
		services.put("redisbootUncompressed", this.redisbootUncompressedService);
		services.put("bootJdk", this.bootJdkService);
		services.put("bootJson", this.bootJsonService);
		return services;
	}

	/**
	 * The Redis key of each application's entry, by benchmark name.
	 * @return the keys
	 */
	Map<String, byte[]> redisKeys() {
		Map<String, byte[]> keys = new LinkedHashMap<>();
		keys.put("redisboot", this.redisbootKey);
		keys.put("redisbootUncompressed", this.redisbootUncompressedKey);
		// Spring Data Redis's default: <cache name>::<key>
		keys.put("bootJdk", (CACHE + "::" + BOOT_JDK_ID).getBytes(StandardCharsets.UTF_8));
		keys.put("bootJson", (CACHE + "::" + BOOT_JSON_ID).getBytes(StandardCharsets.UTF_8));
		return keys;
	}

	/**
	 * The bytes stored under a key, read with the benchmark's own Lettuce connection.
	 * @param key the key
	 * @return the bytes, {@code null} if there are none
	 */
	byte[] stored(byte[] key) {
		return this.lettuce.get(key);
	}

	/**
	 * Prints, for every value size, the bytes each cache manager stores and whether
	 * redisboot compressed them:
	 * <pre>
	 * java -cp benchmarks.jar dev.redisboot.benchmarks.CacheHitBenchmark
	 * </pre>
	 * @param args ignored
	 */
	public static void main(String[] args) {
		System.out.println("| valueSize | entry | key | stored bytes | redisboot header |");
		System.out.println("| ---: | --- | --- | ---: | --- |");
		for (int size : new int[] { 1024, 10240 }) {
			CacheHitBenchmark benchmark = new CacheHitBenchmark();
			benchmark.valueSize = size;
			benchmark.setUp();
			try {
				for (Map.Entry<String, byte[]> key : benchmark.redisKeys().entrySet()) {
					byte[] stored = benchmark.stored(key.getValue());
					String header = ValueEnvelope.readHeader(stored)
						.map((h) -> h.isCompressed()
								? "compressed, " + h.getUncompressedLength() + " B of JSON" : "uncompressed")
						.orElse("-");
					System.out.printf("| %d | %s | `%s` | %d | %s |%n", size, key.getKey(),
							new String(key.getValue(), StandardCharsets.UTF_8), stored.length, header);
				}
			}
			finally {
				benchmark.tearDown();
			}
		}
	}

	/**
	 * The JSON serializer of {@link BootJsonApplication}: Spring Data Redis's
	 * {@link GenericJacksonJsonRedisSerializer} with default typing limited to this package and
	 * the JDK value types that {@link Product} holds.
	 * @return the serializer
	 */
	static GenericJacksonJsonRedisSerializer bootJsonSerializer() {
		return GenericJacksonJsonRedisSerializer.builder()
			.enableDefaultTyping(BasicPolymorphicTypeValidator.builder()
				.allowIfSubType(CacheHitBenchmark.class.getPackageName() + ".")
				.allowIfSubType("java.util.")
				.allowIfSubType("java.math.")
				.allowIfSubType("java.time.")
				.build())
			.build();
	}

	/**
	 * Waits until an entry is in Redis. Spring Data Redis 4.1's {@code DefaultRedisCacheWriter}
	 * writes asynchronously by default when the connection factory can (Lettuce does), so
	 * Boot's {@code RedisCacheManager} returns from a miss before its {@code SET} is done.
	 */
	private void awaitStored(String name, byte[] key) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (this.lettuce.exists(key) != 1) {
			if (System.nanoTime() - deadline > 0) {
				List<String> present = this.lettuce.keys("*").stream()
					.map((k) -> new String(k, StandardCharsets.UTF_8))
					.toList();
				throw new IllegalStateException(name + " stored nothing under " + new String(key, StandardCharsets.UTF_8)
						+ " within 5 s on " + this.redis + "; the server has " + present);
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
	}

	private static RedisbootCache redisbootCache(ConfigurableApplicationContext context) {
		Cache cache = context.getBean(CacheManager.class).getCache(CACHE);
		if (!(cache instanceof RedisbootCache redisbootCache)) {
			throw new IllegalStateException("redisboot's cache manager is not in use: " + cache);
		}
		return redisbootCache;
	}

	/**
	 * The entry's Redis key, from the cache's own key namer: without a prefix,
	 * {@code cache:products:<id>}.
	 */
	private static byte[] redisKey(RedisbootCache cache, long id) {
		return cache.redisKey(id).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * A product whose JSON, as redisboot writes it, is exactly {@link #valueSize} bytes: the
	 * JSON of a product with an empty description is measured once through the
	 * uncompressed cache, then the description makes up the difference.
	 */
	private Product sizedProduct() {
		RedisbootCache cache = this.redisbootUncompressedCache;
		long probeId = -1;
		byte[] probeKey = redisKey(cache, probeId);
		cache.put(probeId, Product.withDescriptionLength(0));
		int emptyLength = ValueEnvelope.defaults().decode(this.lettuce.get(probeKey), probeKey).length;
		cache.evict(probeId);
		if (emptyLength > this.valueSize) {
			throw new IllegalStateException(
					"A product takes " + emptyLength + " bytes of JSON, more than valueSize=" + this.valueSize);
		}
		Product product = Product.withDescriptionLength(this.valueSize - emptyLength);
		cache.put(probeId, product);
		int length = ValueEnvelope.defaults().decode(this.lettuce.get(probeKey), probeKey).length;
		cache.evict(probeId);
		if (length != this.valueSize) {
			throw new IllegalStateException("Sized the product to " + length + " bytes of JSON, not " + this.valueSize);
		}
		return product;
	}

	/**
	 * The cached service: its method body is the "database" and counts how often it runs.
	 * Fields are only reached through methods, which the caching proxy passes on.
	 */
	public static class ProductService {

		private final AtomicInteger loads = new AtomicInteger();

		private volatile Product product;

		/**
		 * Sets what the method body returns (through the proxy: its fields are not the
		 * target's).
		 * @param product the product
		 */
		public void setProduct(Product product) {
			this.product = product;
		}

		/**
		 * Finds a product: Redis first, this body only on a miss.
		 * @param id the id, which is the cache key
		 * @return the product
		 */
		@Cacheable(CACHE)
		public Product find(long id) {
			this.loads.incrementAndGet();
			return Objects.requireNonNull(this.product, "no product set");
		}

		/**
		 * How often the method body ran.
		 * @return the count
		 */
		public int loads() {
			return this.loads.get();
		}

	}

	/**
	 * An application with the redisboot starter's auto-configurations (and Boot's cache
	 * auto-configuration, which backs off): caching is enabled by redisboot, the value type's
	 * package is the application's package, as with {@code @SpringBootApplication}.
	 */
	@Configuration(proxyBeanMethods = false)
	@AutoConfigurationPackage
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
			RedisbootCacheAutoConfiguration.class, CacheAutoConfiguration.class })
	static class RedisbootApplication {

		@Bean
		ProductService productService() {
			return new ProductService();
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
		ProductService productService() {
			return new ProductService();
		}

	}

	/**
	 * Spring Boot's {@link RedisCacheManager} with JSON values: the
	 * {@link RedisCacheConfiguration} bean Boot picks up, with Spring Data Redis's
	 * {@link GenericJacksonJsonRedisSerializer} and default typing for this package and the JDK
	 * value types of {@link Product}.
	 */
	@Configuration(proxyBeanMethods = false)
	@Import(BootApplication.class)
	static class BootJsonApplication {

		@Bean
		RedisCacheConfiguration redisCacheConfiguration() {
			return RedisCacheConfiguration.defaultCacheConfig()
				.serializeValuesWith(SerializationPair.fromSerializer(bootJsonSerializer()));
		}

	}

}

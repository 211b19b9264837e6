package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.codec.CompressionCodec;
import dev.redisboot.core.codec.ValueEnvelope;
import dev.redisboot.core.json.TypeAllowlist;
import dev.redisboot.core.json.TypedJsonSerializer;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * The CPU part of a cache hit, without Redis: turning the bytes that
 * {@link CacheHitBenchmark} reads into the cached {@link Product}, with the same code each
 * cache manager runs on a hit.
 * <ul>
 * <li>{@link #redisboot()}: {@link ValueEnvelope#decode} (Zstandard above 1 KB, CRC32C) and
 * redisboot's JSON reader, as {@code RedisbootCache} does;</li>
 * <li>{@link #redisbootUncompressed()}: the same with compression off (the envelope copies
 * the payload out of the stored bytes);</li>
 * <li>{@link #bootJdk()}: Spring Data Redis's {@link JdkSerializationRedisSerializer}, the
 * default of Spring Boot's {@code RedisCacheManager};</li>
 * <li>{@link #bootJson()}: the {@link GenericJacksonJsonRedisSerializer} that
 * {@link CacheHitBenchmark} configures for Boot's manager.</li>
 * </ul>
 * The difference between a hit in {@link CacheHitBenchmark} and its raw {@code GET} that
 * this does not explain is the rest of the hit path: Spring's cache interceptor, key
 * building, the connection look-up and the future hand-off.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CacheDecodeBenchmark {

	private static final byte[] REDIS_KEY = "cache:products:1".getBytes(StandardCharsets.UTF_8);

	/**
	 * Size of the value's JSON, as redisboot writes it, in bytes.
	 */
	@Param({ "1024", "10240" })
	public int valueSize;

	private TypedJsonSerializer redisbootJson;

	private ValueEnvelope envelope;

	private ValueEnvelope uncompressedEnvelope;

	private RedisSerializer<Object> jdk;

	private RedisSerializer<Object> json;

	private byte[] stored;

	private byte[] storedUncompressed;

	private byte[] storedJdk;

	private byte[] storedJson;

	private Product product;

	@Setup(Level.Trial)
	public void setUp() {
		this.redisbootJson = new TypedJsonSerializer(
				TypeAllowlist.of(List.of(CacheDecodeBenchmark.class.getPackageName())));
		// As redisboot's CacheSettingsResolver builds them from the default properties (no keys)
		this.envelope = ValueEnvelope.defaults()
			.withCompression(CompressionCodec.ZSTD, ValueEnvelope.DEFAULT_COMPRESS_ABOVE);
		this.uncompressedEnvelope = ValueEnvelope.defaults().withCompression(CompressionCodec.NONE, Integer.MAX_VALUE);
		this.jdk = new JdkSerializationRedisSerializer(CacheDecodeBenchmark.class.getClassLoader());
		this.json = CacheHitBenchmark.bootJsonSerializer();
		int emptyLength = this.redisbootJson.serialize(Product.withDescriptionLength(0)).length;
		this.product = Product.withDescriptionLength(this.valueSize - emptyLength);
		byte[] payload = this.redisbootJson.serialize(this.product);
		if (payload.length != this.valueSize) {
			throw new IllegalStateException("Sized the product to " + payload.length + " bytes of JSON, not "
					+ this.valueSize);
		}
		this.stored = this.envelope.encode(payload, REDIS_KEY);
		this.storedUncompressed = this.uncompressedEnvelope.encode(payload, REDIS_KEY);
		this.storedJdk = this.jdk.serialize(this.product);
		this.storedJson = this.json.serialize(this.product);
	}

	/**
	 * redisboot, defaults: envelope decode (decompression above 1 KB) and JSON.
	 * @return the product
	 */
	@Benchmark
	public Object redisboot() {
		return this.redisbootJson.deserialize(this.envelope.decode(this.stored, REDIS_KEY));
	}

	/**
	 * redisboot without compression.
	 * @return the product
	 */
	@Benchmark
	public Object redisbootUncompressed() {
		return this.redisbootJson.deserialize(this.uncompressedEnvelope.decode(this.storedUncompressed, REDIS_KEY));
	}

	/**
	 * Spring Boot's {@code RedisCacheManager} defaults: JDK deserialization.
	 * @return the product
	 */
	@Benchmark
	public Object bootJdk() {
		return this.jdk.deserialize(this.storedJdk);
	}

	/**
	 * Spring Boot's {@code RedisCacheManager} with {@link GenericJacksonJsonRedisSerializer}.
	 * @return the product
	 */
	@Benchmark
	public Object bootJson() {
		return this.json.deserialize(this.storedJson);
	}

	/**
	 * The product every method decodes, for checks.
	 * @return the product
	 */
	Product expectedProduct() {
		return this.product;
	}

	/**
	 * Stored sizes, for checks: redisboot, redisboot uncompressed, JDK, JSON.
	 * @return the sizes in bytes
	 */
	int[] storedSizes() {
		return new int[] { this.stored.length, this.storedUncompressed.length, this.storedJdk.length,
				this.storedJson.length };
	}

}

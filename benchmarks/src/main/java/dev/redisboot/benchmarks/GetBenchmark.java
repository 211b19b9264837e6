package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
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

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ValueOperations;

/**
 * A single-threaded GET of one existing key, one round trip per operation, against a
 * redis-server of the benchmark's own on a loopback port.
 * <ul>
 * <li>{@link #lettuceSync()}: the baseline, Lettuce's synchronous API with
 * {@link ByteArrayCodec}, no Spring at all;</li>
 * <li>{@link #stringRedisTemplate()}: the {@link StringRedisTemplate} that Spring Boot's
 * {@code DataRedisAutoConfiguration} creates with its defaults, reading the same key.</li>
 * </ul>
 * The value is ASCII so that its UTF-8 string has exactly {@link #valueSize} characters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GetBenchmark {

	static final String KEY_PREFIX = "redisboot:bench:get:";

	/**
	 * Size of the stored value in bytes.
	 */
	@Param({ "1024", "10240" })
	public int valueSize;

	private BenchmarkRedis redis;

	private RedisCommands<byte[], byte[]> lettuce;

	private ValueOperations<String, String> templateValues;

	private String key;

	private byte[] keyBytes;

	private byte[] value;

	@Setup(Level.Trial)
	public void setUp() {
		this.redis = BenchmarkRedis.start();
		Trial.setUp(() -> {
			this.key = KEY_PREFIX + this.valueSize;
			this.keyBytes = this.key.getBytes(StandardCharsets.UTF_8);
			this.value = asciiValue(this.valueSize);
			this.lettuce = this.redis.rawLettuce();
			this.lettuce.set(this.keyBytes, this.value);
			this.templateValues = this.redis.bootDefaults().getBean(StringRedisTemplate.class).opsForValue();
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
	 * Baseline: raw Lettuce, synchronous, byte arrays in and out.
	 * @return the value
	 */
	@Benchmark
	public byte[] lettuceSync() {
		return this.lettuce.get(this.keyBytes);
	}

	/**
	 * Spring Boot's default {@link StringRedisTemplate}, the same key.
	 * @return the value
	 */
	@Benchmark
	public String stringRedisTemplate() {
		return this.templateValues.get(this.key);
	}

	/**
	 * The value stored under the benchmark's key, for checks.
	 * @return a copy of the value
	 */
	byte[] expectedValue() {
		return this.value.clone();
	}

	/**
	 * Deterministic printable ASCII, so runs are comparable and a UTF-8 decode is one char
	 * per byte.
	 */
	static byte[] asciiValue(int size) {
		SplittableRandom random = new SplittableRandom(42);
		byte[] bytes = new byte[size];
		for (int i = 0; i < size; i++) {
			bytes[i] = (byte) random.nextInt('!', '~' + 1);
		}
		return bytes;
	}

}

package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.codec.CompressionCodec;
import dev.redisboot.core.codec.EncryptionKeyRing;
import dev.redisboot.core.codec.ValueEnvelope;
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

/**
 * What redisboot's {@link ValueEnvelope} costs per cache write ({@link #encode()}) and
 * cache hit ({@link #decode()}) on top of the JSON (de)serialization, for each
 * combination of compression (zstd, above 1 KiB) and AES-256-GCM encryption. Uses the
 * same JSON payloads as {@link CompressionBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ValueEnvelopeBenchmark {

	private static final byte[] REDIS_KEY = "prod:cache:products:4711".getBytes(StandardCharsets.UTF_8);

	/**
	 * Size of the JSON payload in bytes.
	 */
	@Param({ "1024", "10240", "102400" })
	public int payloadSize;

	/**
	 * What the envelope does to the payload.
	 */
	@Param({ "PLAIN", "ZSTD", "AES_GCM", "ZSTD_AES_GCM" })
	public String envelopeMode;

	private ValueEnvelope envelope;

	private byte[] payload;

	private byte[] stored;

	@Setup(Level.Trial)
	public void setUp() {
		EncryptionKeyRing keyRing = EncryptionKeyRing.of("bench",
				Map.of("bench", Base64.getEncoder().encodeToString(new byte[32])));
		ValueEnvelope envelope = ValueEnvelope.defaults();
		if (this.envelopeMode.startsWith("ZSTD")) {
			// Compress everything above 1000 bytes, so that the 1 KiB payload is compressed too
			envelope = envelope.withCompression(CompressionCodec.ZSTD, 1000);
		}
		if (this.envelopeMode.endsWith("AES_GCM")) {
			envelope = envelope.withEncryption(keyRing);
		}
		this.envelope = envelope;
		this.payload = CompressionBenchmark.JsonPayloads.generate(this.payloadSize, 42);
		this.stored = envelope.encode(this.payload, REDIS_KEY);
	}

	@Benchmark
	public byte[] encode() {
		return this.envelope.encode(this.payload, REDIS_KEY);
	}

	@Benchmark
	public byte[] decode() {
		return this.envelope.decode(this.stored, REDIS_KEY);
	}

}

package dev.redisboot.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
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
import org.xerial.snappy.Snappy;

/**
 * Compression candidates for redisboot's value envelope, measured on JSON that looks like
 * the cache entries the envelope stores: product and user records with repeated field
 * names, ids, numbers and some free text. No Redis is involved; this measures the CPU
 * cost that compression adds to one cache write ({@link #compress()}) and one cache hit
 * ({@link #decompress()}).
 * <p>
 * Every operation allocates its output, as the envelope does. JMH reports time only, so
 * the compression ratio of each codec and size is printed by {@link #main(String[])}:
 * <pre>
 * java -cp benchmarks.jar dev.redisboot.benchmarks.CompressionBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CompressionBenchmark {

	/**
	 * Size of the JSON payload in bytes.
	 */
	@Param({ "1024", "10240", "102400" })
	public int payloadSize;

	/**
	 * The codec under test, see {@link Codec}.
	 */
	@Param({ "ZSTD_1", "ZSTD_3", "ZSTD_1_REUSED", "ZSTD_3_REUSED", "LZ4_NATIVE", "LZ4_JAVA", "SNAPPY", "DEFLATE_1" })
	public Codec codec;

	private byte[] payload;

	private byte[] compressed;

	@Setup(Level.Trial)
	public void setUp() {
		this.payload = JsonPayloads.generate(this.payloadSize, 42);
		this.compressed = this.codec.compress(this.payload);
		byte[] roundTrip = this.codec.decompress(this.compressed, this.payload.length);
		if (!Arrays.equals(roundTrip, this.payload)) {
			throw new IllegalStateException(this.codec + " did not round-trip");
		}
	}

	@Benchmark
	public byte[] compress() {
		return this.codec.compress(this.payload);
	}

	@Benchmark
	public byte[] decompress() {
		return this.codec.decompress(this.compressed, this.payload.length);
	}

	/**
	 * Print the compression ratio of every codec for every payload size as a Markdown
	 * table. Ratios are deterministic: the payloads come from a fixed seed.
	 * @param args ignored
	 */
	public static void main(String[] args) {
		int[] sizes = { 1024, 10240, 102400 };
		StringBuilder header = new StringBuilder("| codec |");
		StringBuilder rule = new StringBuilder("| --- |");
		for (int size : sizes) {
			header.append(" ").append(size).append(" B → stored (ratio) |");
			rule.append(" ---: |");
		}
		System.out.println(header);
		System.out.println(rule);
		for (Codec codec : Codec.values()) {
			StringBuilder row = new StringBuilder("| ").append(codec).append(" |");
			for (int size : sizes) {
				byte[] payload = JsonPayloads.generate(size, 42);
				int stored = codec.compress(payload).length;
				row.append(String.format(Locale.ROOT, " %d (%.2f) |", stored, (double) payload.length / stored));
			}
			System.out.println(row);
		}
	}

	/**
	 * The compared codecs, each with the one-shot, whole-array API that a cache value
	 * needs (no streams, no frames beyond what the library always writes).
	 */
	public enum Codec {

		/**
		 * zstd-jni, level 1 (fastest regular level).
		 */
		ZSTD_1 {

			@Override
			byte[] compress(byte[] input) {
				return Zstd.compress(input, 1);
			}

			@Override
			byte[] decompress(byte[] input, int originalLength) {
				return Zstd.decompress(input, originalLength);
			}

		},

		/**
		 * zstd-jni, level 3 (zstd's default).
		 */
		ZSTD_3 {

			@Override
			byte[] compress(byte[] input) {
				return Zstd.compress(input, 3);
			}

			@Override
			byte[] decompress(byte[] input, int originalLength) {
				return Zstd.decompress(input, originalLength);
			}

		},

		/**
		 * zstd-jni, level 1, reusing one compression and one decompression context per
		 * thread instead of creating them in every call as the static methods above do.
		 */
		ZSTD_1_REUSED {

			private final ThreadLocal<ZstdCompressCtx> compressor = ThreadLocal
				.withInitial(() -> new ZstdCompressCtx().setLevel(1));

			private final ThreadLocal<ZstdDecompressCtx> decompressor = ThreadLocal.withInitial(ZstdDecompressCtx::new);

			@Override
			byte[] compress(byte[] input) {
				return this.compressor.get().compress(input);
			}

			@Override
			byte[] decompress(byte[] input, int originalLength) {
				return this.decompressor.get().decompress(input, originalLength);
			}

		},

		/**
		 * zstd-jni, level 3, reusing contexts as {@link #ZSTD_1_REUSED} does.
		 */
		ZSTD_3_REUSED {

			private final ThreadLocal<ZstdCompressCtx> compressor = ThreadLocal
				.withInitial(() -> new ZstdCompressCtx().setLevel(3));

			private final ThreadLocal<ZstdDecompressCtx> decompressor = ThreadLocal.withInitial(ZstdDecompressCtx::new);

			@Override
			byte[] compress(byte[] input) {
				return this.compressor.get().compress(input);
			}

			@Override
			byte[] decompress(byte[] input, int originalLength) {
				return this.decompressor.get().decompress(input, originalLength);
			}

		},

		/**
		 * lz4-java (at.yawk.lz4 fork), JNI compressor, safe decompressor.
		 */
		LZ4_NATIVE {

			private final LZ4Compressor compressor = LZ4Factory.nativeInstance().fastCompressor();

			private final LZ4SafeDecompressor decompressor = LZ4Factory.nativeInstance().safeDecompressor();

			@Override
			byte[] compress(byte[] input) {
				return this.compressor.compress(input);
			}

			@Override
			byte[] decompress(byte[] input, int originalLength) {
				return this.decompressor.decompress(input, originalLength);
			}

		},

		/**
		 * lz4-java (at.yawk.lz4 fork), pure-Java safe compressor and decompressor: the path
		 * taken where no native library loads.
		 */
		LZ4_JAVA {

			private final LZ4Compressor compressor = LZ4Factory.safeInstance().fastCompressor();

			private final LZ4SafeDecompressor decompressor = LZ4Factory.safeInstance().safeDecompressor();

			@Override
			byte[] compress(byte[] input) {
				return this.compressor.compress(input);
			}

			@Override
			byte[] decompress(byte[] input, int originalLength) {
				return this.decompressor.decompress(input, originalLength);
			}

		},

		/**
		 * snappy-java, raw Snappy format.
		 */
		SNAPPY {

			@Override
			byte[] compress(byte[] input) {
				try {
					return Snappy.compress(input);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}

			@Override
			byte[] decompress(byte[] input, int originalLength) {
				try {
					return Snappy.uncompress(input);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}

		},

		/**
		 * The JDK's zlib (raw deflate, level 1): the no-dependency baseline.
		 */
		DEFLATE_1 {

			@Override
			byte[] compress(byte[] input) {
				Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
				try {
					deflater.setInput(input);
					deflater.finish();
					ByteArrayOutputStream output = new ByteArrayOutputStream(input.length / 2 + 64);
					byte[] buffer = new byte[Math.max(1024, input.length)];
					while (!deflater.finished()) {
						int count = deflater.deflate(buffer);
						output.write(buffer, 0, count);
					}
					return output.toByteArray();
				}
				finally {
					deflater.end();
				}
			}

			@Override
			byte[] decompress(byte[] input, int originalLength) {
				Inflater inflater = new Inflater(true);
				try {
					inflater.setInput(input);
					byte[] output = new byte[originalLength];
					int count = inflater.inflate(output);
					if (count != originalLength) {
						throw new IllegalStateException("Inflated " + count + " of " + originalLength + " bytes");
					}
					return output;
				}
				catch (DataFormatException ex) {
					throw new IllegalStateException(ex);
				}
				finally {
					inflater.end();
				}
			}

		};

		abstract byte[] compress(byte[] input);

		abstract byte[] decompress(byte[] input, int originalLength);

	}

	/**
	 * Generates JSON arrays of product and user records, as a JSON cache layer would
	 * store them: the same field names in every record, ids, prices, timestamps, enum-like
	 * values and free text from a vocabulary, plus a random token per record that does
	 * not compress.
	 */
	static final class JsonPayloads {

		private static final String[] WORDS = { "organic", "cotton", "shirt", "blue", "slim", "fit", "premium",
				"quality", "comfortable", "everyday", "wear", "machine", "washable", "sustainable", "sourced",
				"lightweight", "breathable", "fabric", "classic", "design", "modern", "look", "perfect", "for",
				"summer", "and", "autumn", "with", "the", "a", "of", "in", "stainless", "steel", "water",
				"bottle", "keeps", "drinks", "cold", "hours", "leak", "proof", "lid", "ergonomic", "handle" };

		private static final String[] CATEGORIES = { "apparel", "kitchen", "outdoor", "electronics", "garden",
				"toys", "books", "sports" };

		private static final String[] CITIES = { "Berlin", "Lisbon", "Toronto", "Osaka", "Nairobi", "Lima",
				"Oslo", "Austin" };

		private static final char[] TOKEN_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			.toCharArray();

		private JsonPayloads() {
		}

		/**
		 * Generate a JSON array of exactly {@code size} bytes (UTF-8, ASCII only).
		 * @param size the size in bytes, at least 64
		 * @param seed the random seed, so that runs compare the same bytes
		 * @return the JSON bytes
		 */
		static byte[] generate(int size, long seed) {
			SplittableRandom random = new SplittableRandom(seed);
			StringBuilder json = new StringBuilder(size + 1024).append('[');
			int id = 1000;
			// Whole records while a last one surely fits, then a product whose description fills up
			while (json.length() + 700 < size) {
				if (random.nextInt(3) == 0) {
					appendUser(json, id++, random);
				}
				else {
					appendProduct(json, id++, random, 12 + random.nextInt(20));
				}
				json.append(',');
			}
			appendProduct(json, id, random, 0);
			int descriptionEnd = json.length() - 2;
			StringBuilder description = new StringBuilder();
			while (description.length() < size) {
				appendWords(description, 1, random);
				description.append(' ');
			}
			int missing = size - (json.length() + 1);
			if (missing > 0) {
				json.insert(descriptionEnd, description, 0, missing);
			}
			json.append(']');
			byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
			return (bytes.length == size) ? bytes : Arrays.copyOf(bytes, size);
		}

		private static void appendProduct(StringBuilder json, int id, SplittableRandom random,
				int descriptionWords) {
			json.append("{\"@type\":\"product\",\"id\":").append(id);
			json.append(",\"sku\":\"SKU-").append(100000 + random.nextInt(900000)).append('"');
			json.append(",\"name\":\"");
			appendWords(json, 2 + random.nextInt(3), random);
			json.append("\",\"category\":\"").append(CATEGORIES[random.nextInt(CATEGORIES.length)]).append('"');
			json.append(",\"price\":{\"amount\":").append(random.nextInt(200)).append('.')
				.append(10 + random.nextInt(90)).append(",\"currency\":\"EUR\"}");
			json.append(",\"stock\":").append(random.nextInt(500));
			json.append(",\"active\":").append(random.nextBoolean());
			json.append(",\"tags\":[\"").append(WORDS[random.nextInt(WORDS.length)]).append("\",\"")
				.append(WORDS[random.nextInt(WORDS.length)]).append("\"]");
			json.append(",\"updatedAt\":\"2025-0").append(1 + random.nextInt(9)).append('-')
				.append(10 + random.nextInt(18)).append('T').append(10 + random.nextInt(13)).append(':')
				.append(10 + random.nextInt(50)).append(":00Z\"");
			json.append(",\"etag\":\"");
			appendToken(json, 16, random);
			json.append("\",\"description\":\"");
			appendWords(json, descriptionWords, random);
			json.append("\"}");
		}

		private static void appendUser(StringBuilder json, int id, SplittableRandom random) {
			json.append("{\"@type\":\"user\",\"id\":").append(id);
			json.append(",\"username\":\"user").append(random.nextInt(1_000_000)).append('"');
			json.append(",\"email\":\"user").append(random.nextInt(1_000_000)).append("@example.com\"");
			json.append(",\"address\":{\"city\":\"").append(CITIES[random.nextInt(CITIES.length)])
				.append("\",\"postalCode\":\"").append(10000 + random.nextInt(89999)).append("\"}");
			json.append(",\"roles\":[\"USER\"").append(random.nextInt(4) == 0 ? ",\"ADMIN\"]" : "]");
			json.append(",\"createdAt\":\"2024-1").append(random.nextInt(3)).append('-')
				.append(10 + random.nextInt(18)).append("T08:").append(10 + random.nextInt(50)).append(":00Z\"");
			json.append(",\"sessionToken\":\"");
			appendToken(json, 24, random);
			json.append("\",\"description\":\"");
			appendWords(json, 6 + random.nextInt(10), random);
			json.append("\"}");
		}

		private static void appendWords(StringBuilder json, int count, SplittableRandom random) {
			for (int i = 0; i < count; i++) {
				if (i > 0) {
					json.append(' ');
				}
				json.append(WORDS[random.nextInt(WORDS.length)]);
			}
		}

		private static void appendToken(StringBuilder json, int length, SplittableRandom random) {
			for (int i = 0; i < length; i++) {
				json.append(TOKEN_CHARACTERS[random.nextInt(TOKEN_CHARACTERS.length)]);
			}
		}

	}

}

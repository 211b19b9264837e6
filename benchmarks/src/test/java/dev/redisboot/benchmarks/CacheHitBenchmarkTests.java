package dev.redisboot.benchmarks;

import java.util.Map;

import dev.redisboot.core.codec.EnvelopeHeader;
import dev.redisboot.core.codec.ValueEnvelope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@link CacheHitBenchmark}: the trial setup, a few calls of each benchmark
 * method and the teardown, as JMH would drive them. Every cache path must return the same
 * product, every call must be a hit (the method body ran only for the warm-up miss), and the
 * raw baselines must read exactly what redisboot stored.
 */
class CacheHitBenchmarkTests {

	@ParameterizedTest
	@ValueSource(ints = { 1024, 10240 })
	void everyCachePathHitsAndReturnsTheSameProduct(int valueSize) {
		CacheHitBenchmark benchmark = new CacheHitBenchmark();
		benchmark.valueSize = valueSize;
		benchmark.setUp();
		try {
			Product expected = benchmark.expectedProduct();
			for (int i = 0; i < 3; i++) {
				assertThat(benchmark.redisboot()).isEqualTo(expected);
				assertThat(benchmark.redisbootUncompressed()).isEqualTo(expected);
				assertThat(benchmark.bootJdk()).isEqualTo(expected);
				assertThat(benchmark.bootJson()).isEqualTo(expected);
			}
			// Only the warm-up miss in setUp ran the method body.
			benchmark.services()
				.forEach((name, service) -> assertThat(service.loads()).as("%s method body runs", name).isOne());

			Map<String, byte[]> keys = benchmark.redisKeys();
			byte[] stored = benchmark.stored(keys.get("redisboot"));
			byte[] storedUncompressed = benchmark.stored(keys.get("redisbootUncompressed"));
			assertThat(benchmark.rawLettuce()).isEqualTo(stored);
			assertThat(benchmark.rawLettuceUncompressed()).isEqualTo(storedUncompressed);

			// The value's JSON is valueSize bytes; compressed by default only above 1 KB.
			EnvelopeHeader header = ValueEnvelope.readHeader(stored).orElseThrow();
			EnvelopeHeader uncompressedHeader = ValueEnvelope.readHeader(storedUncompressed).orElseThrow();
			assertThat(header.isCompressed()).isEqualTo(valueSize > 1024);
			assertThat(uncompressedHeader.isCompressed()).isFalse();
			assertThat(ValueEnvelope.defaults().decode(stored, keys.get("redisboot"))).hasSize(valueSize);
			assertThat(storedUncompressed).hasSize(uncompressedHeader.getLength() + valueSize);
			if (valueSize > 1024) {
				assertThat(stored.length).isLessThan(valueSize / 2);
			}
			// Boot's managers stored their own entries, in their own formats.
			assertThat(benchmark.stored(keys.get("bootJdk"))).startsWith(0xAC, 0xED); // Java serialization magic
			assertThat(new String(benchmark.stored(keys.get("bootJson")), java.nio.charset.StandardCharsets.UTF_8))
				.startsWith("{").contains("\"description\"");
		}
		finally {
			benchmark.tearDown();
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 500 })
	void productDescriptionsHaveTheRequestedLength(int length) {
		assertThat(Product.withDescriptionLength(length).description()).hasSize(length);
		assertThat(Product.withDescriptionLength(length)).isEqualTo(Product.withDescriptionLength(length));
	}

}

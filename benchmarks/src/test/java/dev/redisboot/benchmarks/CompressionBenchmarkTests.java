package dev.redisboot.benchmarks;

import dev.redisboot.benchmarks.CompressionBenchmark.Codec;
import dev.redisboot.benchmarks.CompressionBenchmark.JsonPayloads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@link CompressionBenchmark}: every codec round-trips every payload size
 * through the benchmark's own setup and methods, and the payloads are valid JSON of exactly
 * the requested size.
 */
class CompressionBenchmarkTests {

	@ParameterizedTest
	@EnumSource(Codec.class)
	void everyCodecRoundTripsEveryPayload(Codec codec) {
		for (int size : new int[] { 1024, 10240, 102400 }) {
			CompressionBenchmark benchmark = new CompressionBenchmark();
			benchmark.payloadSize = size;
			benchmark.codec = codec;
			benchmark.setUp();
			byte[] payload = JsonPayloads.generate(size, 42);
			byte[] compressed = benchmark.compress();
			assertThat(compressed.length).as("%s at %d bytes", codec, size).isLessThan(size);
			assertThat(codec.decompress(compressed, size)).isEqualTo(payload);
			assertThat(benchmark.decompress()).isEqualTo(payload);
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 1024, 10240, 102400 })
	void payloadsAreJsonArraysOfTheRequestedSize(int size) {
		byte[] payload = JsonPayloads.generate(size, 42);
		assertThat(payload).hasSize(size).isEqualTo(JsonPayloads.generate(size, 42));
		JsonNode json = JsonMapper.builder().build().readTree(payload);
		assertThat(json.isArray()).isTrue();
		assertThat(json.size()).isPositive();
	}

}

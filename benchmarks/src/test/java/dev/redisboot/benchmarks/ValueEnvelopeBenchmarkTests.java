package dev.redisboot.benchmarks;

import dev.redisboot.core.codec.EnvelopeHeader;
import dev.redisboot.core.codec.ValueEnvelope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@link ValueEnvelopeBenchmark}: for every envelope mode and payload size,
 * what {@code encode()} stores is what the mode says (compressed, encrypted) and
 * {@code decode()} gives the payload back.
 */
class ValueEnvelopeBenchmarkTests {

	@ParameterizedTest
	@ValueSource(strings = { "PLAIN", "ZSTD", "AES_GCM", "ZSTD_AES_GCM" })
	void everyModeRoundTripsEveryPayload(String mode) {
		for (int size : new int[] { 1024, 10240, 102400 }) {
			ValueEnvelopeBenchmark benchmark = new ValueEnvelopeBenchmark();
			benchmark.payloadSize = size;
			benchmark.envelopeMode = mode;
			benchmark.setUp();
			byte[] payload = CompressionBenchmark.JsonPayloads.generate(size, 42);
			EnvelopeHeader header = ValueEnvelope.readHeader(benchmark.encode()).orElseThrow();
			assertThat(header.isCompressed()).as("%s at %d bytes compressed", mode, size)
				.isEqualTo(mode.startsWith("ZSTD"));
			assertThat(header.isEncrypted()).as("%s at %d bytes encrypted", mode, size)
				.isEqualTo(mode.endsWith("AES_GCM"));
			assertThat(benchmark.decode()).isEqualTo(payload);
		}
	}

}

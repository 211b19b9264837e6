package dev.redisboot.benchmarks;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@link NearCacheBenchmark}: the trial setup (which itself checks that the near
 * cache is live and serves without Redis), a few calls of each benchmark method and the
 * teardown. Every path returns the same product, every call is a hit, near-cache hits send no
 * command to Redis while Redis hits send one each, and the raw baseline reads exactly what
 * redisboot stored.
 */
class NearCacheBenchmarkTests {

	@ParameterizedTest
	@ValueSource(ints = { 1024, 10240 })
	void nearCacheHitsSkipRedisAndReturnTheSameProduct(int valueSize) {
		NearCacheBenchmark benchmark = new NearCacheBenchmark();
		benchmark.valueSize = valueSize;
		benchmark.setUp();
		try {
			Product expected = benchmark.expectedProduct();
			long before = benchmark.commandCalls();
			for (int i = 0; i < 10; i++) {
				assertThat(benchmark.redisbootNear()).isEqualTo(expected);
			}
			long afterNear = benchmark.commandCalls();
			for (int i = 0; i < 10; i++) {
				assertThat(benchmark.redisboot()).isEqualTo(expected);
			}
			long afterRedis = benchmark.commandCalls();
			for (int i = 0; i < 10; i++) {
				assertThat(benchmark.springInMemory()).isEqualTo(expected);
			}
			// Each count includes the INFO that took the count before it.
			assertThat(afterNear - before - 1).as("commands sent by 10 near-cache hits").isZero();
			assertThat(afterRedis - afterNear - 1).as("commands sent by 10 Redis hits").isEqualTo(10);
			// Only the warm-up miss in setUp ran the method bodies.
			benchmark.services()
				.forEach((name, service) -> assertThat(service.loads()).as("%s method body runs", name).isOne());
			assertThat(benchmark.rawLettuce()).isEqualTo(benchmark.storedForRedisHit()).isNotEmpty();
		}
		finally {
			benchmark.tearDown();
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 1024, 10240 })
	void productsHaveTheRequestedJsonSize(int size) {
		Product product = Product.withJsonSize(size);
		assertThat(product).isEqualTo(Product.withJsonSize(size));
		assertThat(product.withStock(7).stock()).isEqualTo(7);
		assertThat(product.withStock(7)).isEqualTo(product.withStock(7)).isNotEqualTo(product.withStock(8));
	}

}

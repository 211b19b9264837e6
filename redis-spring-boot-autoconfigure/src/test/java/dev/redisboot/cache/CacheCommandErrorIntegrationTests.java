package dev.redisboot.cache;

import dev.redisboot.cache.fixtures.Product;
import dev.redisboot.cache.fixtures.ProductService;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.StandaloneRedis;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Error replies that are no outage: a server out of memory under {@code noeviction}
 * ({@code OOM}) and a server demoted to a replica ({@code READONLY}). The cache degrades as
 * documented: reads still answer, writes are dropped and counted in
 * {@code cache.redis.errors} and {@code cache.dropped}, a synchronized load still loads
 * (without its lock), no caller sees an exception, the failure is logged once per error
 * code, and the circuit breaker stays closed (Redis answered), so caching resumes with the
 * very next command once the server accepts writes again. On a server of its own, whose
 * memory limit and role the tests change.
 */
@ExtendWith(OutputCaptureExtension.class)
class CacheCommandErrorIntegrationTests extends CacheIntegrationTestSupport {

	private static StandaloneRedis redis;

	@BeforeAll
	static void startRedis() {
		redis = StandaloneRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@AfterEach
	void restoreServer() {
		redis.node().execute("REPLICAOF", "NO", "ONE");
		redis.node().execute("CONFIG", "SET", "maxmemory", "0");
		redis.node().execute("CONFIG", "SET", "maxmemory-policy", "noeviction");
	}

	@Override
	protected RedisDeployment redis() {
		return redis;
	}

	@Test
	void outOfMemoryUnderNoevictionIsAMissAndADroppedWriteNotAnOutage(CapturedOutput output) {
		runner().withPropertyValues("redisboot.cache.circuit-breaker.failure-threshold=2",
				"redisboot.cache.circuit-breaker.open-duration=1h")
			.run((context) -> {
				Cache products = context.getBean(CacheManager.class).getCache("products");
				products.put(1L, ProductService.product(1, "before")); // stored while memory lasts
				redis.node().execute("CONFIG", "SET", "maxmemory-policy", "noeviction");
				redis.node().execute("CONFIG", "SET", "maxmemory", "1");
				assertRefusedWritesDegrade(context, "OOM");
				assertThat(products.get(1L, Product.class).name()).as("reads still answer").isEqualTo("before");
				redis.node().execute("CONFIG", "SET", "maxmemory", "0");
				assertCachesAgainAtOnce(context);
			});
		assertThat(AbstractCacheFaultIntegrationTests.lines(output, "with OOM")).as("logged once").isEqualTo(1);
	}

	@Test
	void aServerDemotedToAReplicaIsAMissAndADroppedWriteNotAnOutage(CapturedOutput output) {
		runner().withPropertyValues("redisboot.cache.circuit-breaker.failure-threshold=2",
				"redisboot.cache.circuit-breaker.open-duration=1h")
			.run((context) -> {
				// a replica of a primary that is not there: read-only, and it keeps serving (stale) reads
				redis.node().execute("REPLICAOF", "127.0.0.1", "1");
				assertRefusedWritesDegrade(context, "READONLY");
				redis.node().execute("REPLICAOF", "NO", "ONE");
				assertCachesAgainAtOnce(context);
			});
		assertThat(AbstractCacheFaultIntegrationTests.lines(output, "with READONLY")).as("logged once").isEqualTo(1);
	}

	private void assertRefusedWritesDegrade(AssertableApplicationContext context, String code) {
		ProductService service = context.getBean(ProductService.class);
		int loadsBefore = service.findCount();
		for (int i = 0; i < 3; i++) {
			assertThat(service.find(7).name()).as("no exception to the caller").isEqualTo("product-7");
		}
		assertThat(service.findCount() - loadsBefore).as("a miss each time: the writes were refused").isEqualTo(3);
		Cache products = context.getBean(CacheManager.class).getCache("products");
		assertThat(products.get(8L, () -> ProductService.product(8, "synchronized")).name())
			.as("a synchronized load loads without its refused lock").isEqualTo("synchronized");
		assertThat(raw(context, key("products", 7))).isNull();
		assertThat(raw(context, key("products", 8))).isNull();
		assertThat(scan(context, prefix() + ":cache-lock*")).isEmpty();
		assertThat(count(context, "cache.redis.errors", "products")).as(code + " replies counted")
			.isGreaterThanOrEqualTo(5);
		assertThat(count(context, "cache.dropped", "products")).as("writes dropped").isGreaterThanOrEqualTo(4);
		assertThat(circuitOpen(context)).as("an error reply is no outage: the breaker stays closed").isZero();
	}

	private void assertCachesAgainAtOnce(AssertableApplicationContext context) {
		// with an open breaker (1 h) nothing would reach Redis now
		ProductService service = context.getBean(ProductService.class);
		int loadsBefore = service.findCount();
		assertThat(service.find(9).name()).isEqualTo("product-9");
		assertThat(service.find(9).name()).isEqualTo("product-9");
		assertThat(service.findCount() - loadsBefore).as("cached by the first call").isEqualTo(1);
		assertThat(raw(context, key("products", 9))).isNotNull();
		assertThat(circuitOpen(context)).isZero();
	}

	private static double circuitOpen(AssertableApplicationContext context) {
		return context.getBean(MeterRegistry.class).get("cache.circuit.open").gauge().value();
	}

}

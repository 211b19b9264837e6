package dev.redisboot.sample;

import java.time.Duration;

import dev.redisboot.sample.product.Product;
import dev.redisboot.sample.product.ProductRepository;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application's health with Redis above its memory warning threshold (1% here,
 * so that the server keeps plenty of room), and the {@code redis} endpoint's write operation
 * once {@code management.endpoint.redis.access} allows it.
 *
 * @author redisboot
 */
@SampleApplicationTest
// a server and a key prefix of its own: it changes the server's maxmemory and clears the products
// cache, which must not reach the shared context of the other sample tests
@WithRedis(isolated = true)
@TestPropertySource(properties = { "redisboot.observability.health.memory-warning-threshold=1",
		"management.endpoint.redis.access=unrestricted", "redisboot.key-prefix=sample-observability-test" })
class SampleApplicationObservabilityIntegrationTests {

	@Autowired
	private RestTestClient client;

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private ProductRepository products;

	@Test
	void redisAboveTheMemoryThresholdIsAWarningServedWith200(StandaloneRedis redis) {
		long used = Long.parseLong(redis.node().info("memory").get("used_memory"));
		redis.node().execute("CONFIG", "SET", "maxmemory", String.valueOf(used * 20));
		try {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(actuator().get("/actuator/health")).hasStatusOk()
				.bodyJson()
				.hasPathSatisfying("$.status", (status) -> assertThat(status).isEqualTo("WARNING"))
				.hasPathSatisfying("$.components.redis.status", (status) -> assertThat(status).isEqualTo("WARNING"))
				.hasPathSatisfying("$.components.redis.details.warnings[0]",
						(warning) -> assertThat(warning).asString().contains("of maxmemory (warning above 1%)")));
		}
		finally {
			redis.node().execute("CONFIG", "SET", "maxmemory", "0");
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(actuator().get("/actuator/health")).hasStatusOk()
				.bodyJson()
				.hasPathSatisfying("$.status", (status) -> assertThat(status).isEqualTo("UP")));
	}

	@Test
	void theWriteOperationClearsACacheWhenAccessAllowsIt(StandaloneRedis redis) {
		Product product = this.products.findAll().get(0);
		assertThat(get("/api/products/" + product.getId())).hasStatusOk();
		String key = "sample-observability-test:cache:products:" + product.getId();
		await().untilAsserted(() -> assertThat(redis.node().execute("EXISTS", key)).isEqualTo(1L));
		RestTestClientResponse cleared = actuator().delete("/actuator/redis/caches/products");
		assertThat(cleared).hasStatusOk()
			.bodyJson()
			.hasPathSatisfying("$.cleared", (value) -> assertThat(value).isEqualTo(true));
		assertThat(redis.node().execute("EXISTS", key)).isEqualTo(0L);
		assertThat(actuator().delete("/actuator/redis/caches/nothing"))
			.hasStatus(org.springframework.http.HttpStatus.NOT_FOUND);
	}

	private RestTestClientResponse get(String path) {
		return RestTestClientResponse.from(this.client.get().uri(path).exchange());
	}

	private ActuatorClient actuator() {
		return ActuatorClient.on(this.managementPort);
	}

}

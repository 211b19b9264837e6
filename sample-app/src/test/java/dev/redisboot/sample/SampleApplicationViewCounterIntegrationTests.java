package dev.redisboot.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import dev.redisboot.sample.product.Product;
import dev.redisboot.sample.product.ProductRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The product view counter of {@link SampleApplication}, written behind: each view's count is
 * read back at once from the cache, and reaches the database later, only the last count.
 *
 * @author redisboot
 */
@SampleApplicationTest
class SampleApplicationViewCounterIntegrationTests {

	private static final ParameterizedTypeReference<Map<String, Long>> COUNT = new ParameterizedTypeReference<>() {
	};

	@Autowired
	private RestTestClient client;

	@Autowired
	private ProductRepository products;

	@Autowired
	private MeterRegistry meterRegistry;

	@Test
	void viewsAreReadAtOnceAndWrittenBehind() {
		long id = this.products.save(new Product("Viewed", "For the view counter", new BigDecimal("1.00"))).getId();
		for (long view = 1; view <= 20; view++) {
			assertThat(count("post", id)).isEqualTo(view);
			assertThat(count("get", id)).as("read from the cache at once").isEqualTo(view);
		}
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(this.products.findById(id).orElseThrow().getViews()).isEqualTo(20));
		assertThat(counter("queued") + counter("coalesced")).isGreaterThanOrEqualTo(20);
		assertThat(counter("written")).isGreaterThanOrEqualTo(1);
	}

	private long count(String method, long id) {
		var spec = "post".equals(method) ? this.client.post() : this.client.get();
		Map<String, Long> body = spec.uri("/api/products/" + id + "/views")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(COUNT)
			.returnResult()
			.getResponseBody();
		assertThat(body).isNotNull();
		return body.get("views");
	}

	private double counter(String what) {
		Counter counter = this.meterRegistry.find("redisboot.writebehind." + what).tag("name", "product-views").counter();
		return (counter != null) ? counter.count() : 0;
	}

}

package dev.redisboot.sample.webflux;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

import dev.redisboot.sample.webflux.product.ProductRepository;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The catalog's {@code @Cacheable} methods returning {@code Mono}, over HTTP, under BlockHound:
 * the servlet sample's caching scenarios on WebFlux; a price change also goes through a Redis
 * stream to a {@code @RedisStreamListener}.
 *
 * @author redisboot
 */
@WebfluxSampleTest
class WebfluxSampleCachingIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private ProductRepository products;

	@Autowired
	private StringRedisTemplate redis;

	private WebTestClient client() {
		return SampleClient.at(this.port, "10.0.2.1");
	}

	@Test
	void secondReadIsServedFromTheCacheWhichHoldsJsonInRedis() {
		this.redis.delete("webflux-sample:cache:products:2");
		int before = this.products.reads();
		for (int i = 0; i < 3; i++) {
			this.client()
				.get()
				.uri("/api/products/2")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.name")
				.isEqualTo("Mouse");
		}
		assertThat(this.products.reads() - before).isEqualTo(1);
		assertThat(this.redis.hasKey("webflux-sample:cache:products:2")).isTrue();
	}

	@Test
	void priceChangeWritesThroughTheCache() {
		this.client()
			.put()
			.uri("/api/products/3")
			.bodyValue(Map.of("price", new BigDecimal("149.00")))
			.exchange()
			.expectStatus()
			.isOk();
		int before = this.products.reads();
		this.client()
			.get()
			.uri("/api/products/3")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.price")
			.isEqualTo(149.0);
		assertThat(this.products.reads()).isEqualTo(before);
		// the change also went to the price-changes stream, whose consumer group keeps the history
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> this.client()
				.get()
				.uri("/api/products/3/price-history")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$[-1]")
				.isEqualTo(149.0));
	}

	@Test
	void unknownProductIsProblemJson404AndNotCached() {
		for (int i = 0; i < 2; i++) {
			this.client()
				.get()
				.uri("/api/products/424242")
				.exchange()
				.expectStatus()
				.isNotFound()
				.expectHeader()
				.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		}
		assertThat(this.redis.hasKey("webflux-sample:cache:products:424242")).isFalse();
	}

	@Test
	void garbageInTheCacheIsAMissNotAnError() {
		this.redis.opsForValue().set("webflux-sample:cache:products:1", "not json at all");
		int before = this.products.reads();
		this.client()
			.get()
			.uri("/api/products/1")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.name")
			.isEqualTo("Keyboard");
		assertThat(this.products.reads() - before).isEqualTo(1);
	}

}

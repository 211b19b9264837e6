package dev.redisboot.sample;

import java.time.Duration;

import dev.redisboot.sample.product.ProductRepository;
import dev.redisboot.test.RedisBackend;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole sample application started while its Redis is down: it starts (with one warning
 * naming the cause), serves products from the database, reports Redis {@code DOWN} with the
 * real cause on the management port, and is {@code UP} again soon after Redis answers.
 *
 * @author redisboot
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationRedisOutageIntegrationTests {

	@Test
	void startsWithoutRedisDegradesAndRecovers(CapturedOutput output) {
		try (StandaloneRedis redis = StandaloneRedis.start(RedisBackend.LOCAL)) {
			redis.node().stop();
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
				.profiles("relaxed-rate-limits")
				// command-line arguments outrank application.yml: never localhost:6379
				.run("--server.port=0", "--management.server.port=0", "--spring.data.redis.host=" + redis.host(),
						"--spring.data.redis.port=" + redis.port(), "--spring.data.redis.timeout=1s",
						"--redisboot.observability.timeout=1s")) {
				assertThat(output).contains("Redis could not be reached (" + redis.host() + ":" + redis.port(),
						"Starting anyway");
				RestTestClient app = client(context, "local.server.port");
				RestTestClient management = client(context, "local.management.port");
				long id = context.getBean(ProductRepository.class).findAll().get(0).getId();
				// the cache falls back to the database while Redis is down
				assertThat(RestTestClientResponse.from(app.get().uri("/api/products/" + id).exchange()))
					.hasStatusOk();
				// a view cannot be written behind: it is counted in the database at once
				ProductRepository products = context.getBean(ProductRepository.class);
				long views = products.findById(id).orElseThrow().getViews();
				assertThat(RestTestClientResponse.from(app.post().uri("/api/products/" + id + "/views").exchange()))
					.hasStatusOk();
				assertThat(products.findById(id).orElseThrow().getViews()).isEqualTo(views + 1);
				assertThat(RestTestClientResponse.from(management.get().uri("/actuator/health").exchange()))
					.hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
					.bodyJson()
					.hasPathSatisfying("$.components.redis.details.error",
							(error) -> assertThat(error).asString().containsIgnoringCase("connection refused"));
				redis.node().start();
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(
							RestTestClientResponse.from(management.get().uri("/actuator/health").exchange()))
						.hasStatusOk());
				assertThat(RestTestClientResponse.from(app.get().uri("/api/products/" + id).exchange()))
					.hasStatusOk();
				// with Redis back, views are written behind again, from the database's count
				assertThat(RestTestClientResponse.from(app.post().uri("/api/products/" + id + "/views").exchange()))
					.hasStatusOk();
				await().atMost(Duration.ofSeconds(15))
					.untilAsserted(() -> assertThat(products.findById(id).orElseThrow().getViews()).isEqualTo(views + 2));
			}
		}
	}

	private static RestTestClient client(ConfigurableApplicationContext context, String portProperty) {
		return RestTestClient.bindToServer()
			.baseUrl("http://localhost:" + context.getEnvironment().getRequiredProperty(portProperty))
			.build();
	}

}

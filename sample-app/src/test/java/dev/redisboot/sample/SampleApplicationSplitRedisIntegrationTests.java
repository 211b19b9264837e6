package dev.redisboot.sample;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.redisboot.sample.auth.DemoPasswords;
import dev.redisboot.sample.product.Product;
import dev.redisboot.sample.product.ProductRepository;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code split-redis} profile: the sample application's caches on a Redis of their own
 * (a second harness server, {@code REDIS_CACHE_HOST}/{@code REDIS_CACHE_PORT}), sessions on
 * the application's Redis (the shared harness server). A context of its own, with a key
 * prefix of its own.
 *
 * @author redisboot
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "redisboot.key-prefix=split")
@AutoConfigureRestTestClient
@WithRedis
@ActiveProfiles({ "split-redis", "relaxed-rate-limits" })
class SampleApplicationSplitRedisIntegrationTests {

	private static final String PASSWORD = "correct horse battery staple";

	private static final StandaloneRedis CACHE = StandaloneRedis.start();

	@Autowired
	private RestTestClient client;

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private ProductRepository products;

	@Autowired
	private UserRepository users;

	@DynamicPropertySource
	static void cacheRedis(DynamicPropertyRegistry registry) {
		registry.add("REDIS_CACHE_HOST", CACHE::host);
		registry.add("REDIS_CACHE_PORT", CACHE::port);
	}

	@AfterAll
	static void stopCacheRedis() {
		CACHE.close();
	}

	@Test
	void productsAreCachedOnTheCacheRedisAndSessionsStayOnTheApplicationsRedis(StandaloneRedis application) {
		long id = this.products.save(new Product("Split plan", "Cached apart", new BigDecimal("12.00"))).getId();
		assertThat(RestTestClientResponse.from(this.client.get().uri("/api/products/" + id).exchange()))
			.hasStatus(HttpStatus.OK);
		assertThat(CACHE.node().execute("EXISTS", "split:cache:products:" + id)).isEqualTo(1L);
		assertThat(application.node().execute("EXISTS", "split:cache:products:" + id)).isEqualTo(0L);

		User user = this.users.save(new User("split-" + UUID.randomUUID() + "@example.com", "Split User",
				Instant.now(), Plan.FREE, User.newApiKey(), DemoPasswords.hash(PASSWORD)));
		assertThat(RestTestClientResponse.from(this.client.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "%s", "password": "%s"}""".formatted(user.getEmail(), PASSWORD))
			.exchange())).hasStatus(HttpStatus.OK);
		assertThat(keys(application, "split:session:*")).isNotEmpty();
		assertThat(keys(CACHE, "split:session:*")).isEmpty();
		assertThat(keys(CACHE, "split:*")).allMatch((key) -> key.startsWith("split:cache:"));

		ActuatorClient actuator = ActuatorClient.on(this.managementPort);
		assertThat(actuator.get("/actuator/health/redisServers/cache")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.details.server")
			.isEqualTo("cache");
		assertThat(actuator.get("/actuator/redis")).hasStatusOk()
			.bodyJson()
			.extractingPath("$.servers.cache.usage")
			.asArray()
			.contains("caches");
	}

	private static List<String> keys(StandaloneRedis redis, String pattern) {
		return ((List<?>) redis.node().execute("KEYS", pattern)).stream()
			.map((key) -> (key instanceof byte[] bytes) ? new String(bytes) : String.valueOf(key))
			.toList();
	}

}

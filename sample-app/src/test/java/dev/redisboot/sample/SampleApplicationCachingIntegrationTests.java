package dev.redisboot.sample;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.redisboot.audit.AuditTrail;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.sample.product.Product;
import dev.redisboot.sample.product.ProductRepository;
import dev.redisboot.sample.product.ProductView;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.sample.user.UserView;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * Integration tests for the caching of {@link SampleApplication}: the {@code products}
 * (15 min) and {@code users} (1 h) caches in the real Redis of the test harness. Whether a
 * request reached the database is told by the repository spies, never by timing.
 * <p>
 * Tests share the application context and the Redis server, so each works on a product or
 * user of its own.
 *
 * @author redisboot
 */
@SampleApplicationTest
class SampleApplicationCachingIntegrationTests {

	private static final long UNKNOWN_ID = 987_654_322L;

	private static final Duration PRODUCTS_TTL = Duration.ofMinutes(15);

	private static final Duration USERS_TTL = Duration.ofHours(1);

	private static final double TTL_JITTER = 0.10;

	/** Time a test may take between writing an entry and reading its TTL. */
	private static final Duration SLACK = Duration.ofSeconds(5);

	private static final String VALID_UPDATE = """
			{"name": "Pro plan", "description": "Up to 200 members", "price": 99.5}""";

	@Autowired
	private RestTestClient client;

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private ProductRepository products;

	@Autowired
	private UserRepository users;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meterRegistry;

	@Autowired
	private AuditTrail auditTrail;

	@Autowired
	private KeyDigester keyDigester;

	@Test
	void secondGetOfAProductIsServedFromTheCache() {
		long id = newProduct("Cached plan");
		double hits = productCacheHits();

		ProductView first = getProduct(id);
		verify(this.products, times(1)).findById(id);
		assertThat(this.redis.hasKey(productKey(id))).isTrue();

		ProductView second = getProduct(id);
		verify(this.products, times(1)).findById(id); // still once: the second came from Redis
		assertThat(second).isEqualTo(first);
		assertThat(second.name()).isEqualTo("Cached plan");
		assertThat(productCacheHits()).isEqualTo(hits + 1);
	}

	@Test
	void productEntryLivesFifteenMinutesLessJitter() {
		long id = newProduct("Short-lived plan");
		getProduct(id);
		assertTtl(productKey(id), PRODUCTS_TTL);
	}

	@Test
	void userIsCachedForAnHourLessJitter() {
		User user = this.users.save(new User("cached-user@example.com", "Cached User", Instant.now()));
		long id = user.getId();
		clearInvocations(this.users);

		UserView first = getUser(id);
		UserView second = getUser(id);
		verify(this.users, times(1)).findById(id);
		assertThat(second).isEqualTo(first);
		assertTtl("sample:cache:users:" + id, USERS_TTL);
	}

	@Test
	void loadingAUserIsAuditedWithDigestsOnlyAndResponsesSayWhatTheCacheDid() {
		User user = this.users.save(new User("audited-user@example.com", "Audited User", Instant.now()));
		long id = user.getId();
		String first = getHeader("/api/users/" + id, "Server-Timing");
		assertThat(first).contains("cache;desc=\"users miss\";dur=", "cache;desc=\"users load\";dur=");
		assertThat(getHeader("/api/users/" + id, "Server-Timing")).contains("cache;desc=\"users hit-redis\"");

		String target = "cache=users key=#" + this.keyDigester.digest("cache", String.valueOf(id));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.auditTrail.recent(200).entries())
				.filteredOn((entry) -> target.equals(entry.get("target")))
				.singleElement()
				.satisfies((entry) -> {
					assertThat(entry.get("action")).isEqualTo("cache:load");
					assertThat(entry.get("actor")).isEqualTo("anonymous");
					assertThat(entry.get("client")).as("the client address as a digest").startsWith("#");
				}));
		assertThat(this.auditTrail.recent(200).entries().toString()).doesNotContain("audited-user@example.com",
				"Audited User", "127.0.0.1");
	}

	@Test
	void unknownProductIsNotCached() {
		for (int i = 0; i < 2; i++) {
			assertThat(get("/api/products/" + UNKNOWN_ID)).hasStatus(HttpStatus.NOT_FOUND)
				.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		}
		verify(this.products, times(2)).findById(UNKNOWN_ID);
		assertThat(this.redis.hasKey(productKey(UNKNOWN_ID))).isFalse();
	}

	@Test
	void putUpdatesTheDatabaseAndWritesThroughToTheCache() {
		long id = newProduct("Team plan, old");
		ProductView before = getProduct(id);

		ProductView updated = this.client.put()
			.uri("/api/products/" + id)
			.contentType(MediaType.APPLICATION_JSON)
			.body(VALID_UPDATE)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(ProductView.class)
			.returnResult()
			.getResponseBody();
		assertThat(updated).isNotNull();
		assertThat(updated.id()).isEqualTo(id);
		assertThat(updated.name()).isEqualTo("Pro plan");
		assertThat(updated.description()).isEqualTo("Up to 200 members");
		assertThat(updated.price()).isEqualTo(new BigDecimal("99.50")); // as the database stores it
		assertThat(updated.updatedAt()).isAfter(before.updatedAt());
		clearInvocations(this.products);

		// The next read is the new value, from the cache
		assertThat(getProduct(id)).isEqualTo(updated);
		verify(this.products, never()).findById(id);
		String stored = new String(storedBytes(productKey(id)), StandardCharsets.UTF_8);
		assertThat(stored).contains("\"Pro plan\"").doesNotContain("Team plan, old");
		assertTtl(productKey(id), PRODUCTS_TTL);

		// ... and the database row changed too, to exactly what is cached
		Product row = this.products.findById(id).orElseThrow();
		assertThat(row.getName()).isEqualTo("Pro plan");
		assertThat(row.getDescription()).isEqualTo("Up to 200 members");
		assertThat(row.getPrice()).isEqualByComparingTo("99.50");
		assertThat(view(row)).isEqualTo(updated);
	}

	@Test
	void putOfAProductThatIsNotCachedCachesIt() {
		long id = newProduct("Never read plan");
		assertThat(this.redis.hasKey(productKey(id))).isFalse();

		assertThat(put("/api/products/" + id, VALID_UPDATE)).hasStatusOk();
		clearInvocations(this.products);

		assertThat(getProduct(id).name()).isEqualTo("Pro plan");
		verify(this.products, never()).findById(id);
	}

	@ParameterizedTest
	@ValueSource(strings = { """
			{"name": " ", "description": "d", "price": 1.00}""", """
			{"description": "no name", "price": 1.00}""", """
			{"name": "No price", "description": "d"}""", """
			{"name": "Negative", "description": "d", "price": -1}""", """
			{"name": "Sub-cent", "description": "d", "price": 1.001}""", """
			{"name": "Not a number", "description": "d", "price": "cheap"}""", """
			{"name": "Broken JSON\"""", "" })
	void putWithInvalidBodyIsBadRequestProblemAndChangesNothing(String body) {
		long id = newProduct("Unchanged plan");
		ProductView cached = getProduct(id);
		byte[] stored = storedBytes(productKey(id));
		clearInvocations(this.products);

		assertThat(put("/api/products/" + id, body)).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.status", (status) -> assertThat(status).isEqualTo(400))
			.hasPathSatisfying("$.instance", (instance) -> assertThat(instance).isEqualTo("/api/products/" + id));

		verify(this.products, never()).findById(id);
		verify(this.products, never()).saveAndFlush(any());
		assertThat(storedBytes(productKey(id))).isEqualTo(stored);
		assertThat(getProduct(id)).isEqualTo(cached);
		assertThat(view(this.products.findById(id).orElseThrow())).isEqualTo(cached);
	}

	@Test
	void problemDetailOfInvalidBodyNamesTheInvalidFields() {
		long id = newProduct("Plan with a typo");
		assertThat(put("/api/products/" + id, """
				{"name": "", "description": "d", "price": -0.001}""")).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.extractingPath("$.detail")
			.asString()
			.startsWith("Invalid request content: ")
			.contains("name must not be blank")
			.contains("price must not be negative")
			.contains("price must have at most 10 digits before the point and 2 after");
	}

	@Test
	void putOfUnknownProductIsNotFoundProblemAndCachesNothing() {
		assertThat(put("/api/products/" + UNKNOWN_ID, VALID_UPDATE)).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.status", (status) -> assertThat(status).isEqualTo(404))
			.hasPathSatisfying("$.title", (title) -> assertThat(title).isEqualTo("Product not found"))
			.hasPathSatisfying("$.detail",
					(detail) -> assertThat(detail).isEqualTo("No product with id " + UNKNOWN_ID));
		assertThat(this.redis.hasKey(productKey(UNKNOWN_ID))).isFalse();
		assertThat(this.products.existsById(UNKNOWN_ID)).isFalse();
	}

	@Test
	void prometheusEndpointShowsCacheHits() {
		long id = newProduct("Metered plan");
		getProduct(id);
		getProduct(id);
		assertThat(actuator().get("/actuator/prometheus")).hasStatusOk()
			.bodyText()
			.containsPattern("(?m)^cache_gets_total\\{.*cache=\"products\".*result=\"hit\".*\\} [1-9]\\S*$")
			.containsPattern("(?m)^cache_gets_total\\{.*cache=\"products\".*result=\"miss\".*\\} [1-9]\\S*$")
			.containsPattern("(?m)^cache_puts_total\\{.*cache=\"products\".*\\} [1-9]\\S*$")
			.containsPattern("(?m)^cache_gets_total\\{.*cache=\"users\".*result=\"hit\".*\\} \\S+$");
	}

	/**
	 * Asserts that a key expires within its cache's TTL, and no earlier than the TTL
	 * shortened by the largest jitter and by the time the test took since writing it.
	 */
	private void assertTtl(String key, Duration ttl) {
		long max = ttl.toMillis();
		long min = max - (long) (max * TTL_JITTER) - SLACK.toMillis();
		assertThat(this.redis.getExpire(key, TimeUnit.MILLISECONDS)).isBetween(min, max);
	}

	private long newProduct(String name) {
		Product product = this.products.save(new Product(name, "For a caching test", new BigDecimal("10.00")));
		clearInvocations(this.products);
		return product.getId();
	}

	private double productCacheHits() {
		return this.meterRegistry.get("cache.gets").tag("cache", "products").tag("result", "hit").counter().count();
	}

	private byte[] storedBytes(String key) {
		byte[] bytes = this.redis
			.execute((RedisCallback<byte[]>) (connection) -> connection.stringCommands()
				.get(key.getBytes(StandardCharsets.UTF_8)));
		assertThat(bytes).as("value of %s", key).isNotNull();
		return bytes;
	}

	private static String productKey(long id) {
		return "sample:cache:products:" + id;
	}

	private ProductView getProduct(long id) {
		return getOk("/api/products/" + id, ProductView.class);
	}

	private UserView getUser(long id) {
		return getOk("/api/users/" + id, UserView.class);
	}

	private <T> T getOk(String path, Class<T> type) {
		T body = this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(type)
			.returnResult()
			.getResponseBody();
		assertThat(body).as("body of GET %s", path).isNotNull();
		return body;
	}

	private static ProductView view(Product product) {
		return new ProductView(product.getId(), product.getName(), product.getDescription(), product.getPrice(),
				product.getUpdatedAt());
	}

	private String getHeader(String path, String header) {
		String value = this.client.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseHeaders()
			.getFirst(header);
		assertThat(value).as("%s of GET %s", header, path).isNotNull();
		return value;
	}

	private RestTestClientResponse get(String path) {
		return RestTestClientResponse.from(this.client.get().uri(path).exchange());
	}

	private RestTestClientResponse put(String path, String json) {
		return RestTestClientResponse
			.from(this.client.put().uri(path).contentType(MediaType.APPLICATION_JSON).body(json).exchange());
	}

	private ActuatorClient actuator() {
		return ActuatorClient.on(this.managementPort);
	}

}

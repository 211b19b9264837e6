package dev.redisboot.sample;

import java.util.Comparator;
import java.util.List;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.sample.product.Product;
import dev.redisboot.sample.product.ProductRepository;
import dev.redisboot.sample.product.ProductView;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.sample.user.UserView;
import dev.redisboot.test.StandaloneRedis;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for {@link SampleApplication}: the whole application on a random port,
 * with the H2 database and a real Redis from the test harness.
 *
 * @author redisboot
 */
@SampleApplicationTest
class SampleApplicationIntegrationTests {

	private static final long UNKNOWN_ID = 987_654_321L;

	@Autowired
	private RestTestClient client;

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private UserRepository users;

	@Autowired
	private ProductRepository products;

	@Test
	void connectsToTheTestRedisNotTheConfiguredOne(StandaloneRedis redis,
			@Autowired LettuceConnectionFactory connectionFactory) {
		assertThat(connectionFactory.getHostName()).isEqualTo(redis.host());
		assertThat(connectionFactory.getPort()).isEqualTo(redis.port()).isNotEqualTo(6379);
	}

	@Test
	void keysAreNamespacedWithTheConfiguredPrefix(@Autowired RedisKeyNamer keyNamer) {
		assertThat(keyNamer.prefix()).hasValue("sample");
		assertThat(keyNamer.key("cache", "products", "1")).startsWith("sample:");
	}

	@Test
	void healthIsUpWithRedisDetails(StandaloneRedis redis) {
		String version = redis.node().info("server").get("redis_version");
		assertThat(actuator().get("/actuator/health")).hasStatusOk()
			.bodyJson()
			.hasPathSatisfying("$.status", (status) -> assertThat(status).isEqualTo("UP"))
			.hasPathSatisfying("$.components.redis.status", (status) -> assertThat(status).isEqualTo("UP"))
			.hasPathSatisfying("$.components.redis.details.version",
					(redisVersion) -> assertThat(redisVersion).isEqualTo(version));
	}

	@Test
	void actuatorIsServedOnTheManagementPortOnly(@Value("${local.server.port}") int serverPort) {
		assertThat(this.managementPort).isPositive().isNotEqualTo(serverPort);
		for (String path : List.of("/actuator", "/actuator/health", "/actuator/prometheus", "/actuator/redis")) {
			assertThat(get(path)).as(path).hasStatus(HttpStatus.NOT_FOUND);
			assertThat(actuator().get(path)).as(path).hasStatusOk();
		}
	}

	@Test
	void prometheusEndpointServesPrometheusText() {
		assertThat(actuator().get("/actuator/prometheus")).hasStatusOk()
			.hasContentTypeCompatibleWith(MediaType.TEXT_PLAIN)
			.bodyText()
			.contains("# TYPE jvm_memory_used_bytes gauge")
			.containsPattern("(?m)^jvm_memory_used_bytes\\{.*\\} \\S+$");
	}

	@Test
	void prometheusEndpointCountsApiRequests() {
		long id = seededProducts().get(0).getId();
		assertThat(get("/api/products/" + id)).hasStatusOk();
		// The request's metrics are recorded once the response has been written
		await().untilAsserted(() -> assertThat(actuator().get("/actuator/prometheus")).bodyText()
			.containsPattern("(?m)^http_server_requests_seconds_count\\{.*uri=\"/api/products/\\{id}\".*\\} \\S+$"));
	}

	@Test
	void productsAreReadFromTheDatabase() {
		List<Product> seeded = seededProducts();
		assertThat(seeded).hasSizeGreaterThanOrEqualTo(3);
		for (Product product : seeded) {
			assertThat(get("/api/products/" + product.getId())).hasStatusOk()
				.hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON)
				.bodyJson()
				.convertTo(ProductView.class)
				.satisfies((view) -> {
					assertThat(view.id()).isEqualTo(product.getId());
					assertThat(view.name()).isEqualTo(product.getName());
					assertThat(view.description()).isEqualTo(product.getDescription());
					assertThat(view.price()).isEqualByComparingTo(product.getPrice());
					assertThat(view.updatedAt()).isEqualTo(product.getUpdatedAt());
				});
		}
	}

	@Test
	void demoUserIsReadFromTheDatabase() {
		User demo = this.users.findByEmail("demo@example.com").orElseThrow();
		assertThat(get("/api/users/" + demo.getId())).hasStatusOk()
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.bodyJson()
			.convertTo(UserView.class)
			.isEqualTo(new UserView(demo.getId(), "demo@example.com", demo.getDisplayName(), demo.getCreatedAt()));
	}

	@Test
	void unknownProductIsNotFoundProblem() {
		assertNotFoundProblem("/api/products/" + UNKNOWN_ID, "Product not found", "No product with id " + UNKNOWN_ID);
	}

	@Test
	void unknownUserIsNotFoundProblem() {
		assertNotFoundProblem("/api/users/" + UNKNOWN_ID, "User not found", "No user with id " + UNKNOWN_ID);
	}

	@Test
	void malformedIdIsBadRequestProblem() {
		assertThat(get("/api/products/not-a-number")).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.status", (status) -> assertThat(status).isEqualTo(400))
			.hasPathSatisfying("$.instance", (instance) -> assertThat(instance).isEqualTo("/api/products/not-a-number"));
	}

	@Test
	void actuatorExposesOnlyHealthPrometheusRedisSchedulesStreamsPrincipalsAuditAndConsole() {
		// read-only access: the write operations (schedules, streams, principals, redis) are not among the links
		assertThat(actuator().get("/actuator")).hasStatusOk()
			.bodyJson()
			.extractingPath("$._links")
			.asMap()
			.containsOnlyKeys("self", "health", "health-path", "prometheus", "redis", "redis-section", "schedules",
					"schedules-name", "streams", "streams-stream", "streams-stream-jobId", "principals", "principals-principal", "audit",
					"console", "console-part");
	}

	@Test
	void healthShowsTheRedisServersDetails(StandaloneRedis redis) {
		assertThat(actuator().get("/actuator/health")).hasStatusOk()
			.bodyJson()
			.hasPathSatisfying("$.components.redis.details.mode", (mode) -> assertThat(mode).isEqualTo("standalone"))
			.hasPathSatisfying("$.components.redis.details.role", (role) -> assertThat(role).isEqualTo("master"))
			.hasPathSatisfying("$.components.redis.details.maxmemoryPolicy",
					(policy) -> assertThat(policy).isEqualTo(redis.node().info("memory").get("maxmemory_policy")))
			.hasPathSatisfying("$.components.redis.details.usedMemory",
					(used) -> assertThat(used).asInstanceOf(InstanceOfAssertFactories.type(Number.class))
						.satisfies((bytes) -> assertThat(bytes.longValue()).isPositive()));
	}

	@Test
	void redisEndpointShowsTheServerAdviceAndCaches(StandaloneRedis redis) {
		assertThat(get("/api/products/" + seededProducts().get(0).getId())).hasStatusOk();
		// the test server keeps no memory limit and nothing on disk: advice for an app with caches, sessions and jobs
		assertThat(actuator().get("/actuator/redis")).hasStatusOk()
			.bodyJson()
			.hasPathSatisfying("$.mode", (mode) -> assertThat(mode).isEqualTo("standalone"))
			.hasPathSatisfying("$.nodes", (nodes) -> assertThat(nodes).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsOnlyKeys(redis.host() + ":" + redis.port()))
			.hasPathSatisfying("$.usage", (usage) -> assertThat(usage).asInstanceOf(InstanceOfAssertFactories.LIST)
				.contains("caches", "HTTP sessions", "streams and jobs", "rate limits"))
			.hasPathSatisfying("$.advice[*].rule", (rules) -> assertThat(rules).asInstanceOf(InstanceOfAssertFactories.LIST)
				.contains("maxmemory-unset", "no-persistence"))
			.hasPathSatisfying("$.caches[?(@.name == 'products')].hits", (hits) -> assertThat(hits)
				.asInstanceOf(InstanceOfAssertFactories.LIST)
				.singleElement()
				.satisfies((count) -> assertThat(((Number) count).longValue()).isGreaterThanOrEqualTo(0)));
		assertThat(actuator().get("/actuator/redis/big-keys?limit=3")).hasStatusOk()
			.bodyJson()
			.hasPathSatisfying("$.keys", (keys) -> assertThat(keys).asInstanceOf(InstanceOfAssertFactories.LIST)
				.hasSizeBetween(1, 3))
			// key names are redacted: a family and a digest, never an id such as a session's
			.hasPathSatisfying("$.keys[*].key", (keys) -> assertThat(keys).asInstanceOf(InstanceOfAssertFactories.LIST)
				.allSatisfy((key) -> assertThat(key.toString()).startsWith("sample:")
					.doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-")));
		assertThat(actuator().get("/actuator/redis/slowlog")).hasStatusOk()
			.bodyJson()
			.hasPathSatisfying("$.unreadable", (unreadable) -> assertThat(unreadable)
				.asInstanceOf(InstanceOfAssertFactories.MAP)
				.isEmpty());
		assertThat(actuator().get("/actuator/redis/memory")).hasStatusOk()
			.bodyJson()
			.hasPathSatisfying("$", (reports) -> assertThat(reports).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsOnlyKeys(redis.host() + ":" + redis.port()));
		assertThat(actuator().get("/actuator/redis/nothing")).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void clearingACacheThroughTheEndpointIsOffInReadOnlyAccess() {
		// with read-only access the operation is not mapped at all
		assertThat(actuator().delete("/actuator/redis/caches/products"))
			.hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void prometheusHasTheRedisServerAndCommandLatencyMeters(StandaloneRedis redis) {
		String node = "node=\"" + redis.host() + ":" + redis.port() + "\"";
		await().untilAsserted(() -> assertThat(actuator().get("/actuator/prometheus")).bodyText()
			.containsPattern("(?m)^redis_up\\{.*" + node + ".*\\} 1\\.0$")
			.containsPattern("(?m)^redis_memory_used_bytes\\{.*" + node + ".*\\} \\S+$")
			.containsPattern("(?m)^redis_commands_processed_total\\{.*" + node + ".*\\} \\S+$")
			.containsPattern("(?m)^redis_client_commands_seconds_bucket\\{.*command=\"GET\".*\\} \\S+$"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "env", "beans", "configprops", "mappings", "metrics", "loggers", "info", "threaddump",
			"heapdump", "shutdown", "sessions", "caches" })
	void otherActuatorEndpointsAreNotExposed(String endpoint) {
		assertThat(actuator().get("/actuator/" + endpoint)).hasStatus(HttpStatus.NOT_FOUND);
	}

	private void assertNotFoundProblem(String path, String title, String detail) {
		assertThat(get(path)).hasStatus(HttpStatus.NOT_FOUND)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.status", (status) -> assertThat(status).isEqualTo(404))
			.hasPathSatisfying("$.title", (value) -> assertThat(value).isEqualTo(title))
			.hasPathSatisfying("$.detail", (value) -> assertThat(value).isEqualTo(detail))
			.hasPathSatisfying("$.instance", (instance) -> assertThat(instance).isEqualTo(path));
	}

	private List<Product> seededProducts() {
		return this.products.findAll().stream().sorted(Comparator.comparing(Product::getId)).toList();
	}

	private RestTestClientResponse get(String path) {
		return RestTestClientResponse.from(this.client.get().uri(path).exchange());
	}

	private ActuatorClient actuator() {
		return ActuatorClient.on(this.managementPort);
	}

}

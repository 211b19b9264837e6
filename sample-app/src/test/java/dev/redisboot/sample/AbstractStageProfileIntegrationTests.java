package dev.redisboot.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.redisboot.sample.auth.DemoPasswords;
import dev.redisboot.sample.mail.SentMailRepository;
import dev.redisboot.sample.product.Product;
import dev.redisboot.sample.product.ProductRepository;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.test.RedisNode;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every stage of docs/guide.md must do with its profile ({@code application-mvp.yml},
 * {@code -growth.yml}, {@code -enterprise.yml}), on the Redis topology the guide gives it:
 * start and report health UP, serve a cached read, turn away a rate-limited call, sign a user
 * in to a session in Redis, and run a background job. Each subclass starts its servers, hands
 * them to its profile through the environment variables the profile reads (never through
 * connection-details beans, so the profile's own properties connect), and says where each
 * kind of key must land.
 * <p>
 * The rate limits are those of {@code application.yml}, not relaxed: each test class sends
 * far fewer requests than they allow, except where a test means to be turned away. Each
 * context is closed after its class, and its servers after it ({@link ServersStopper}).
 *
 * @author redisboot
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class AbstractStageProfileIntegrationTests {

	static final String PASSWORD = "correct horse battery staple";

	private static final Duration JOB_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);

	@Autowired
	RestTestClient client;

	@LocalManagementPort
	int managementPort;

	@Autowired
	ProductRepository products;

	@Autowired
	UserRepository users;

	@Autowired
	SentMailRepository mails;

	/**
	 * The servers that keep sessions, rate limits and jobs, to look for keys on.
	 * @return primaries of the durable Redis
	 */
	abstract List<RedisNode> durableNodes();

	/**
	 * The servers that keep the caches, to look for keys on.
	 * @return primaries of the cache Redis (the durable ones at the MVP stage)
	 */
	abstract List<RedisNode> cacheNodes();

	@Test
	void startsAndReportsHealthUp() {
		awaitHealthUp();
	}

	/**
	 * Health is UP once every connection is up: on a loaded machine a TLS cluster's topology
	 * and handshakes may take a few seconds after startup.
	 */
	void awaitHealthUp() {
		await().atMost(HEALTH_TIMEOUT)
			.untilAsserted(() -> assertThat(actuator().get("/actuator/health")).hasStatusOk()
				.bodyJson()
				.extractingPath("$.status")
				.isEqualTo("UP"));
	}

	@Test
	void servesAProductThroughTheCacheOnTheCacheRedis() {
		Product product = this.products.save(new Product("Stage plan " + UUID.randomUUID(), "Cached",
				new BigDecimal("12.00")));
		String key = "sample:cache:products:" + product.getId();
		for (int i = 0; i < 2; i++) {
			assertThat(get("/api/products/" + product.getId(), null)).hasStatusOk()
				.bodyJson()
				.extractingPath("$.name")
				.isEqualTo(product.getName());
		}
		assertThat(keys(cacheNodes(), key)).containsExactly(key);
		if (!cacheNodes().equals(durableNodes())) {
			assertThat(keys(durableNodes(), "sample:cache:*")).as("cache entries on the durable Redis").isEmpty();
		}
		assertThat(actuator().get("/actuator/prometheus")).bodyText()
			.containsPattern("(?m)^cache_gets_total\\{cache=\"products\",[^}]*result=\"hit\"[^}]*} [1-9]");
	}

	@Test
	void turnsAwayTheFourthPasswordResetOfAnHour() {
		String email = "reset-" + UUID.randomUUID() + "@example.com";
		List<HttpStatus> statuses = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			statuses.add(HttpStatus.valueOf(RestTestClientResponse.from(this.client.post()
				.uri("/api/auth/password-reset")
				.contentType(MediaType.APPLICATION_JSON)
				.body("{\"email\": \"%s\"}".formatted(email))
				.exchange()).getExchangeResult().getStatus().value()));
		}
		assertThat(statuses).containsExactly(HttpStatus.ACCEPTED, HttpStatus.ACCEPTED, HttpStatus.ACCEPTED,
				HttpStatus.TOO_MANY_REQUESTS);
		assertThat(keys(durableNodes(), "sample:rl:*")).as("buckets on the durable Redis").isNotEmpty();
	}

	@Test
	void signsAUserInToASessionOnTheDurableRedis() {
		User user = this.users.save(new User("stage-" + UUID.randomUUID() + "@example.com", "Stage User",
				Instant.now(), Plan.FREE, User.newApiKey(), DemoPasswords.hash(PASSWORD)));
		String cookie = signIn(user.getEmail());
		assertThat(get("/api/me", cookie)).hasStatusOk().bodyJson().extractingPath("$.email").isEqualTo(user.getEmail());
		assertThat(keys(durableNodes(), "sample:session:*")).as("sessions on the durable Redis").isNotEmpty();
		if (!cacheNodes().equals(durableNodes())) {
			assertThat(keys(cacheNodes(), "sample:session:*")).as("sessions on the cache Redis").isEmpty();
		}
	}

	@Test
	void runsTheWelcomeMailJobOfASignUp() {
		String email = "stage-" + UUID.randomUUID() + "@example.com";
		RestTestClientResponse response = RestTestClientResponse.from(this.client.post()
			.uri("/api/auth/signup")
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "%s", "name": "Stage Signup", "password": "%s"}""".formatted(email, PASSWORD))
			.exchange());
		assertThat(response).hasStatus(HttpStatus.CREATED);
		long userId = this.users.findByEmail(email).orElseThrow().getId();
		await().atMost(JOB_TIMEOUT).untilAsserted(() -> assertThat(this.mails.findByUserId(userId))
			.singleElement()
			.satisfies((mail) -> assertThat(mail.getRecipient()).isEqualTo(email)));
	}

	String signIn(String email) {
		RestTestClientResponse response = RestTestClientResponse.from(this.client.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "%s", "password": "%s"}""".formatted(email, PASSWORD))
			.exchange());
		assertThat(response).hasStatusOk();
		ResponseCookie cookie = response.getExchangeResult().getResponseCookies().getFirst("SESSION");
		assertThat(cookie).as("SESSION cookie").isNotNull();
		return cookie.getValue();
	}

	RestTestClientResponse get(String path, String cookie) {
		return RestTestClientResponse.from(this.client.get().uri(path).headers((headers) -> {
			if (cookie != null) {
				headers.set(HttpHeaders.COOKIE, "SESSION=" + cookie);
			}
		}).exchange());
	}

	ActuatorClient actuator() {
		return ActuatorClient.on(this.managementPort);
	}

	/**
	 * Keys matching a pattern on the given primaries (the harness's own connection, which may
	 * run {@code KEYS}: the application's ACL user may not).
	 */
	static List<String> keys(List<RedisNode> nodes, String pattern) {
		Set<String> keys = new LinkedHashSet<>();
		for (RedisNode node : nodes) {
			((List<?>) node.execute("KEYS", pattern)).stream()
				.map((key) -> (key instanceof byte[] bytes) ? new String(bytes) : String.valueOf(key))
				.forEach(keys::add);
		}
		return List.copyOf(keys);
	}

	/**
	 * Stops a stage's servers when its application context closes, after every other
	 * lifecycle bean (the job consumers, the Redis connection factories) has stopped, so that
	 * nothing reconnects to a server that is gone.
	 */
	record ServersStopper(AutoCloseable... servers) implements SmartLifecycle {

		@Override
		public void start() {
		}

		@Override
		public void stop() {
			for (AutoCloseable server : this.servers) {
				try {
					server.close();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}
		}

		@Override
		public boolean isRunning() {
			return true;
		}

		@Override
		public int getPhase() {
			return Integer.MIN_VALUE;
		}

	}

}

package dev.redisboot.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.redisboot.sample.auth.ApiKeyService;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.ExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limits of {@code application.yml} on the real Redis of the test harness: 10 login
 * attempts and 5 sign-ups a minute per client address; 60 API requests a minute per free API
 * key, and per address without a key; 600 per pro key; 3 password-reset emails an hour per
 * email address.
 * <p>
 * A context of its own, with the limits of {@code application.yml} (the other tests raise
 * them out of the way) and a key prefix of its own, so that its buckets are not those of the
 * other contexts on the same Redis. The application runs as behind a trusted reverse proxy
 * ({@code server.forward-headers-strategy=native}; Tomcat trusts proxies on loopback and
 * private addresses by default), so that each test is a client with an address of its own,
 * from the documentation ranges of RFC 5737, sent in {@code X-Forwarded-For}: tests do not
 * use up each other's limits, whatever their order.
 * <p>
 * Limits come back gradually (a login every 6 s, a free API request every second): a test
 * that runs into a limit allows for the requests that came back while it was sending, so that
 * a slow machine does not fail it. No test waits.
 *
 * @author redisboot
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "redisboot.key-prefix=sample-rate-limit-test", "server.forward-headers-strategy=native" })
@AutoConfigureRestTestClient
@WithRedis
class SampleApplicationRateLimitIntegrationTests {

	private static final String POLICY = "RateLimit-Policy";

	private static final String STATE = "RateLimit";

	private static final Pattern STATE_VALUE = Pattern.compile("\"([a-z-]+)\";r=(\\d+);t=(\\d+)");

	private static final String PRODUCT = "/api/products/1";

	@Autowired
	private RestTestClient client;

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private UserRepository users;

	@Autowired
	private MeterRegistry meterRegistry;

	@Autowired
	private RedisConnectionFactory connectionFactory;

	@Test
	void eleventhLoginAttemptWithinAMinuteFromOneAddressIsTooManyRequests() {
		double rejected = count("login", "rejected");
		// Password guessing: every attempt counts, right or wrong
		Run guesses = untilRejected(() -> login("203.0.113.10", "not-the-password"), HttpStatus.UNAUTHORIZED);
		assertThat(header(guesses.first(), POLICY)).isEqualTo("\"login\";q=10;w=60");
		assertState(guesses.first(), "login", 9);
		assertAllowed(guesses, 10, Duration.ofMinutes(1));
		long retryAfter = assertTooManyRequests(guesses.rejected(), "login", "/api/auth/login");
		assertThat(retryAfter).as("seconds until the next attempt comes back").isBetween(1L, 6L);
		assertThat(header(guesses.rejected(), POLICY)).isEqualTo("\"login\";q=10;w=60");
		assertThat(count("login", "rejected")).isEqualTo(rejected + 1);
		assertThat(actuator().get("/actuator/prometheus")).bodyText()
			.containsPattern("(?m)^redisboot_ratelimit_requests_total\\{result=\"rejected\",rule=\"login\"} [1-9]\\S*$");

		// Another address has a bucket of its own
		ExchangeResult other = login("203.0.113.11", "demo-password");
		assertThat(other.getStatus()).isEqualTo(HttpStatus.OK);
		assertState(other, "login", 9);
	}

	@Test
	void sixthSignupWithinAMinuteFromOneAddressIsTooManyRequests() {
		Run signups = untilRejected(() -> signup("203.0.113.20"), HttpStatus.CREATED);
		assertThat(header(signups.first(), POLICY)).isEqualTo("\"signup\";q=5;w=60");
		assertState(signups.first(), "signup", 4);
		assertAllowed(signups, 5, Duration.ofMinutes(1));
		long retryAfter = assertTooManyRequests(signups.rejected(), "signup", "/api/auth/signup");
		assertThat(retryAfter).as("seconds until the next sign-up comes back").isBetween(1L, 12L);

		// Counted by the signup rule only (strategy: first), and per address
		ExchangeResult other = signup("203.0.113.21");
		assertThat(other.getStatus()).isEqualTo(HttpStatus.CREATED);
		assertState(other, "signup", 4);
	}

	@Test
	void freeApiKeyGetsSixtyRequestsAMinuteWhileAProKeyGoesOn() {
		String address = "198.51.100.10";
		Run free = untilRejected(() -> get(PRODUCT, "demo-free-key", address), HttpStatus.OK);
		assertThat(header(free.first(), POLICY)).isEqualTo("\"api\";q=60;w=60");
		assertState(free.first(), "api", 59);
		assertAllowed(free, 60, Duration.ofMinutes(1));
		assertThat(assertTooManyRequests(free.rejected(), "api", PRODUCT)).as("a request comes back every second")
			.isEqualTo(1);

		// The pro key, from the same address, has its own bucket of 600 a minute
		for (int i = 0; i < 100; i++) {
			ExchangeResult pro = get(PRODUCT, "demo-pro-key", address);
			assertThat(pro.getStatus()).as("pro request %d", i + 1).isEqualTo(HttpStatus.OK);
			assertThat(header(pro, POLICY)).isEqualTo("\"api\";q=600;w=60");
			// 10 requests come back every second, so a few may have while this loop ran
			assertThat(remaining(pro, "api")).isBetween(599L - i, 599L);
		}
	}

	@Test
	void anonymousApiRequestsAreLimitedPerAddress() {
		String address = "198.51.100.20";
		Run anonymous = untilRejected(() -> get(PRODUCT, null, address), HttpStatus.OK);
		assertThat(header(anonymous.first(), POLICY)).isEqualTo("\"api\";q=60;w=60");
		assertState(anonymous.first(), "api", 59);
		assertAllowed(anonymous, 60, Duration.ofMinutes(1));
		assertThat(assertTooManyRequests(anonymous.rejected(), "api", PRODUCT)).isEqualTo(1);

		// Another address has a bucket of its own, and so has an API key sent from the same one
		assertThat(get(PRODUCT, null, "198.51.100.21").getStatus()).isEqualTo(HttpStatus.OK);
		ExchangeResult withKey = get(PRODUCT, newUser(Plan.FREE).getApiKey(), address);
		assertThat(withKey.getStatus()).isEqualTo(HttpStatus.OK);
		assertState(withKey, "api", 59);
	}

	@Test
	void apiResponsesCarryTheRateLimitHeadersOfTheKeysPlan() {
		String address = "198.51.100.30";
		String proKey = newUser(Plan.PRO).getApiKey();
		ExchangeResult pro = get(PRODUCT, proKey, address);
		assertThat(pro.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(header(pro, POLICY)).isEqualTo("\"api\";q=600;w=60");
		assertState(pro, "api", 599);

		ExchangeResult free = get(PRODUCT, newUser(Plan.FREE).getApiKey(), address);
		assertThat(header(free, POLICY)).isEqualTo("\"api\";q=60;w=60");
		assertState(free, "api", 59);

		// Error responses count and carry the headers too
		ExchangeResult notFound = get("/api/products/987654321", proKey, address);
		assertThat(notFound.getStatus()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(header(notFound, POLICY)).isEqualTo("\"api\";q=600;w=60");
		assertThat(remaining(notFound, "api")).as("one more used, though the first may have come back")
			.isBetween(598L, 599L);
		ExchangeResult unknownKey = get(PRODUCT, "sk_made-up", address);
		assertThat(unknownKey.getStatus()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(header(unknownKey, POLICY)).as("an unknown key gets the default limits")
			.isEqualTo("\"api\";q=60;w=60");

		// A login is counted by the login rule only (strategy: first)
		ExchangeResult login = login("198.51.100.31", "demo-password");
		assertThat(login.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(header(login, POLICY)).isEqualTo("\"login\";q=10;w=60");
		assertState(login, "login", 9);

		// Outside /api, nothing is limited
		ExchangeResult health = actuator().client().get().uri("/actuator/health").exchange().returnResult();
		assertThat(health.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(health.getResponseHeaders().containsHeader(POLICY)).isFalse();
		assertThat(health.getResponseHeaders().containsHeader(STATE)).isFalse();
	}

	@Test
	void passwordResetEmailsAreLimitedPerAddressWhoeverAsks() {
		for (int i = 0; i < 3; i++) {
			assertThat(passwordReset("ann@example.com", "192.0.2." + (10 + i)).getStatus())
				.isEqualTo(HttpStatus.ACCEPTED);
		}
		// The same address, in any case, from yet another client
		ExchangeResult rejected = passwordReset("Ann@Example.com", "192.0.2.20");
		long retryAfter = assertTooManyRequests(rejected, "password-reset", "/api/auth/password-reset");
		assertThat(retryAfter).as("an email comes back every 20 minutes").isBetween(1L, 1200L);
		assertThat(header(rejected, POLICY)).isEqualTo("\"password-reset\";q=3;w=3600");
		assertThat(count("password-reset", "rejected")).isOne();

		assertThat(passwordReset("bob@example.com", "192.0.2.20").getStatus()).isEqualTo(HttpStatus.ACCEPTED);
		// neither the addresses nor the client IPs stand in the bucket keys, only their digests
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			List<String> keys = connection.keyCommands()
				.keys("sample-rate-limit-test:rl:*".getBytes(StandardCharsets.UTF_8))
				.stream()
				.map((key) -> new String(key, StandardCharsets.UTF_8))
				.toList();
			assertThat(keys).anyMatch((key) -> key.startsWith("sample-rate-limit-test:rl:{password-reset:-:"))
				.noneMatch((key) -> key.contains("example") || key.contains("@") || key.contains("192.0.2."));
		}
	}

	/**
	 * Asserts that a response is the 429 of a rule, with {@code Retry-After}, the
	 * {@code RateLimit} header and an RFC 9457 problem body.
	 * @return the {@code Retry-After} seconds
	 */
	private static long assertTooManyRequests(ExchangeResult response, String rule, String path) {
		String retryAfter = header(response, "Retry-After");
		assertThat(retryAfter).as("Retry-After").matches("[1-9][0-9]*");
		assertThat(header(response, STATE)).isEqualTo("\"" + rule + "\";r=0;t=" + retryAfter);
		assertThat(RestTestClientResponse.from(response)).hasStatus(HttpStatus.TOO_MANY_REQUESTS)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.status", (status) -> assertThat(status).isEqualTo(429))
			.hasPathSatisfying("$.title", (title) -> assertThat(title).isEqualTo("Too Many Requests"))
			.hasPathSatisfying("$.rule", (value) -> assertThat(value).isEqualTo(rule))
			.hasPathSatisfying("$.instance", (instance) -> assertThat(instance).isEqualTo(path))
			.hasPathSatisfying("$.retryAfter", (value) -> assertThat(value).isEqualTo(Integer.parseInt(retryAfter)));
		return Long.parseLong(retryAfter);
	}

	/**
	 * Asserts that a run of requests had exactly the capacity, plus at most the requests
	 * that came back while they were sent.
	 */
	private static void assertAllowed(Run run, long capacity, Duration period) {
		long cameBack = run.elapsed().toNanos() * capacity / period.toNanos();
		assertThat((long) run.allowed()).as("requests allowed in %s", run.elapsed()).isBetween(capacity, capacity + cameBack);
	}

	private static void assertState(ExchangeResult response, String rule, long remaining) {
		assertThat(remaining(response, rule)).as("remaining requests of '%s'", rule).isEqualTo(remaining);
	}

	private static long remaining(ExchangeResult response, String rule) {
		Matcher state = STATE_VALUE.matcher(header(response, STATE));
		assertThat(state.matches()).as("RateLimit header %s", header(response, STATE)).isTrue();
		assertThat(state.group(1)).isEqualTo(rule);
		assertThat(Long.parseLong(state.group(3))).as("seconds until the quota is full again").isBetween(1L, 3600L);
		return Long.parseLong(state.group(2));
	}

	private static String header(ExchangeResult response, String name) {
		String value = response.getResponseHeaders().getFirst(name);
		assertThat(value).as("%s header of %s", name, response.getUrl()).isNotNull();
		return value;
	}

	/**
	 * Sends requests until one is turned away with 429.
	 */
	private static Run untilRejected(Supplier<ExchangeResult> request, HttpStatus allowedStatus) {
		long start = System.nanoTime();
		ExchangeResult first = null;
		int allowed = 0;
		while (true) {
			ExchangeResult response = request.get();
			if (response.getStatus().value() == HttpStatus.TOO_MANY_REQUESTS.value()) {
				assertThat(first).as("a first request that was allowed").isNotNull();
				return new Run(first, allowed, response, Duration.ofNanos(System.nanoTime() - start));
			}
			assertThat(response.getStatus()).as("status of request %d", allowed + 1).isEqualTo(allowedStatus);
			first = (first != null) ? first : response;
			allowed++;
			assertThat(allowed).as("requests allowed").isLessThan(1000);
		}
	}

	private User newUser(Plan plan) {
		return this.users.save(new User(UUID.randomUUID() + "@example.com", "Rate-limited User", Instant.now(), plan,
				User.newApiKey(), null));
	}

	private double count(String rule, String result) {
		Counter counter = this.meterRegistry.find("redisboot.ratelimit.requests")
			.tag("rule", rule)
			.tag("result", result)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private ExchangeResult login(String address, String password) {
		return this.client.post()
			.uri("/api/auth/login")
			.header("X-Forwarded-For", address)
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "demo@example.com", "password": "%s"}""".formatted(password))
			.exchange()
			.returnResult();
	}

	private ExchangeResult signup(String address) {
		return this.client.post()
			.uri("/api/auth/signup")
			.header("X-Forwarded-For", address)
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "%s@example.com", "name": "New User", "password": "demo-password"}"""
				.formatted(UUID.randomUUID()))
			.exchange()
			.returnResult();
	}

	private ExchangeResult passwordReset(String email, String address) {
		return this.client.post()
			.uri("/api/auth/password-reset")
			.header("X-Forwarded-For", address)
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "%s"}""".formatted(email))
			.exchange()
			.returnResult();
	}

	private ExchangeResult get(String path, @Nullable String apiKey, String address) {
		return this.client.get().uri(path).headers((headers) -> {
			headers.set("X-Forwarded-For", address);
			if (apiKey != null) {
				headers.set(ApiKeyService.HEADER, apiKey);
			}
		}).exchange().returnResult();
	}

	/**
	 * Requests sent until one was turned away.
	 *
	 * @param first the first response
	 * @param allowed how many were allowed
	 * @param rejected the 429 response
	 * @param elapsed how long sending them took
	 */
	private record Run(ExchangeResult first, int allowed, ExchangeResult rejected, Duration elapsed) {
	}

	private ActuatorClient actuator() {
		return ActuatorClient.on(this.managementPort);
	}

}

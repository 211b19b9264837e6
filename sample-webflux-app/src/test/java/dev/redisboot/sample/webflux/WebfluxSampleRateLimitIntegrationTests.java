package dev.redisboot.sample.webflux;

import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate limits of {@code application.yml} on WebFlux, over HTTP, under BlockHound: 10 login
 * attempts a minute per client address; 60 API requests a minute per free API key, 600 per pro
 * key; the servlet sample's rate-limit scenarios. Each test is a client with an address of its
 * own ({@code X-Forwarded-For}, trusted in tests), so tests do not use up each other's limits.
 * Limits come back gradually, so a test allows for the requests that came back while it ran.
 *
 * @author redisboot
 */
@WebfluxSampleTest
class WebfluxSampleRateLimitIntegrationTests {

	private static final String POLICY = "RateLimit-Policy";

	private static final Pattern STATE = Pattern.compile("\"([a-z-]+)\";r=(\\d+);t=(\\d+)");

	@LocalServerPort
	private int port;

	@Test
	void eleventhLoginAttemptWithinAMinuteFromOneAddressIsTooManyRequests() {
		WebTestClient client = SampleClient.at(this.port, "203.0.113.10");
		EntityExchangeResult<byte[]> first = login(client);
		assertThat(first.getStatus()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(first.getResponseHeaders().getFirst(POLICY)).isEqualTo("\"login\";q=10;w=60");
		assertThat(remaining(first, "login")).isEqualTo(9);
		int allowed = 1 + untilRejected(() -> login(client));
		assertThat(allowed).as("10 a minute, plus one that may have come back").isBetween(10, 11);
		assertTooManyRequests(login(client), "login", "/api/auth/login");
		// another address has a bucket of its own
		assertThat(remaining(login(SampleClient.at(this.port, "203.0.113.11")), "login")).isEqualTo(9);
	}

	@Test
	void freeApiKeyGetsSixtyRequestsAMinuteWhileAProKeyGoesOn() {
		WebTestClient client = SampleClient.at(this.port, "198.51.100.10");
		EntityExchangeResult<byte[]> first = product(client, "demo-free-key");
		assertThat(first.getResponseHeaders().getFirst(POLICY)).isEqualTo("\"api\";q=60;w=60");
		assertThat(remaining(first, "api")).isEqualTo(59);
		int allowed = 1 + untilRejected(() -> product(client, "demo-free-key"));
		assertThat(allowed).as("60 a minute, plus those that came back meanwhile").isBetween(60, 90);
		assertTooManyRequests(product(client, "demo-free-key"), "api", "/api/products/1");

		// The pro key, from the same address, has its own bucket of 600 a minute
		for (int i = 0; i < 20; i++) {
			EntityExchangeResult<byte[]> pro = product(client, "demo-pro-key");
			assertThat(pro.getStatus()).isEqualTo(HttpStatus.OK);
			assertThat(pro.getResponseHeaders().getFirst(POLICY)).isEqualTo("\"api\";q=600;w=60");
			assertThat(remaining(pro, "api")).isBetween(599L - i, 599L);
		}
	}

	@Test
	void requestsWithoutAKeyAreLimitedPerAddressWithTheDefaultLimits() {
		WebTestClient client = SampleClient.at(this.port, "198.51.100.20");
		EntityExchangeResult<byte[]> anonymous = product(client, null);
		assertThat(anonymous.getStatus()).isEqualTo(HttpStatus.OK);
		assertThat(anonymous.getResponseHeaders().getFirst(POLICY)).isEqualTo("\"api\";q=60;w=60");
		assertThat(remaining(anonymous, "api")).isEqualTo(59);
		EntityExchangeResult<byte[]> unknownKey = product(client, "made-up-key");
		assertThat(unknownKey.getResponseHeaders().getFirst(POLICY)).as("an unknown key gets the default limits")
			.isEqualTo("\"api\";q=60;w=60");
		assertThat(remaining(unknownKey, "api")).as("in the address's bucket").isBetween(57L, 58L);
		// outside /api nothing is limited
		EntityExchangeResult<byte[]> health = client.get().uri("/actuator/health").exchange().expectBody().returnResult();
		assertThat(health.getResponseHeaders().containsHeader(POLICY)).isFalse();
	}

	private static EntityExchangeResult<byte[]> login(WebTestClient client) {
		return client.post()
			.uri("/api/auth/login")
			.bodyValue(Map.of("email", "free@example.com", "password", "guess"))
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static EntityExchangeResult<byte[]> product(WebTestClient client, @Nullable String apiKey) {
		return client.get()
			.uri("/api/products/1")
			.headers((headers) -> {
				if (apiKey != null) {
					headers.set("X-API-Key", apiKey);
				}
			})
			.exchange()
			.expectBody()
			.returnResult();
	}

	/**
	 * Sends requests until one is answered 429.
	 * @return how many were allowed before it
	 */
	private static int untilRejected(Supplier<EntityExchangeResult<byte[]>> request) {
		for (int allowed = 0; allowed < 1000; allowed++) {
			if (request.get().getStatus() == HttpStatus.TOO_MANY_REQUESTS) {
				return allowed;
			}
		}
		throw new AssertionError("Never rejected");
	}

	private static void assertTooManyRequests(EntityExchangeResult<byte[]> response, String rule, String path) {
		assertThat(response.getStatus()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
		String retryAfter = response.getResponseHeaders().getFirst("Retry-After");
		assertThat(retryAfter).matches("[1-9][0-9]*");
		assertThat(response.getResponseHeaders().getFirst("RateLimit")).isEqualTo("\"" + rule + "\";r=0;t=" + retryAfter);
		assertThat(response.getResponseHeaders().getContentType()).isNotNull()
			.satisfies((type) -> assertThat(type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue());
		String body = new String(response.getResponseBodyContent());
		assertThat(body).contains("\"status\":429").contains("\"rule\":\"" + rule + "\"").contains("\"instance\":\"" + path + "\"");
	}

	private static long remaining(EntityExchangeResult<byte[]> response, String rule) {
		String state = response.getResponseHeaders().getFirst("RateLimit");
		assertThat(state).as("RateLimit header").isNotNull();
		Matcher matcher = STATE.matcher(state);
		assertThat(matcher.matches()).as("RateLimit header %s", state).isTrue();
		assertThat(matcher.group(1)).isEqualTo(rule);
		return Long.parseLong(matcher.group(2));
	}

}

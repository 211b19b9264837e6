package dev.redisboot.sample.webflux;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A {@link WebTestClient} to the application on its real port, as a client of its own: each
 * gets its own {@code X-Forwarded-For} address (the application trusts it in tests, see
 * {@link WebfluxSampleTest}), so that tests do not share rate-limit buckets.
 *
 * @author redisboot
 */
final class SampleClient {

	private SampleClient() {
	}

	static WebTestClient at(int port, String address) {
		return WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + port)
			.responseTimeout(Duration.ofSeconds(20))
			.defaultHeader("X-Forwarded-For", address)
			.build();
	}

	/**
	 * Signs in.
	 * @param client the client
	 * @param email the email address
	 * @param password the password
	 * @return the value of the {@code SESSION} cookie
	 */
	static String signIn(WebTestClient client, String email, String password) {
		ResponseCookie cookie = client.post()
			.uri("/api/auth/login")
			.bodyValue(Map.of("email", email, "password", password))
			.exchange()
			.expectStatus()
			.isOk()
			.expectCookie()
			.exists("SESSION")
			.returnResult(String.class)
			.getResponseCookies()
			.getFirst("SESSION");
		return Objects.requireNonNull(cookie).getValue();
	}

}

package dev.redisboot.sample.webflux;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.awaitility.Awaitility.await;

/**
 * Sign-up over HTTP, with the welcome mail as a background job ({@code JobQueue},
 * {@code @JobHandler}) on the Redis stream, under BlockHound: the servlet sample's sign-up
 * scenarios.
 *
 * @author redisboot
 */
@WebfluxSampleTest
class WebfluxSampleSignupIntegrationTests {

	@LocalServerPort
	private int port;

	private WebTestClient client() {
		return SampleClient.at(this.port, "10.0.4.1");
	}

	@Test
	void signUpSendsTheWelcomeMailInTheBackground() {
		this.client()
			.post()
			.uri("/api/auth/signup")
			.bodyValue(Map.of("email", "new@example.com", "name", "New", "password", "pw"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.email")
			.isEqualTo("new@example.com");
		String session = SampleClient.signIn(client(), "new@example.com", "pw");
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> this.client()
				.get()
				.uri("/api/me/mails")
				.cookie("SESSION", session)
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.length()")
				.isEqualTo(1)
				.jsonPath("$[0].subject")
				.isEqualTo("Welcome to the redisboot WebFlux sample"));
	}

	@Test
	void signUpWithATakenAddressIs409() {
		this.client()
			.post()
			.uri("/api/auth/signup")
			.bodyValue(Map.of("email", "free@example.com", "name", "Again", "password", "pw"))
			.exchange()
			.expectStatus()
			.isEqualTo(409);
	}

}

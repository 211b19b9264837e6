package dev.redisboot.sample.webflux;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in with Redis sessions on WebFlux, sign-out and sign out everywhere, over HTTP, under
 * BlockHound: the servlet sample's session scenarios.
 *
 * @author redisboot
 */
@WebfluxSampleTest
class WebfluxSampleSessionIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private StringRedisTemplate redis;

	private WebTestClient client() {
		return SampleClient.at(this.port, "10.0.3.1");
	}

	@Test
	void signedInSessionLivesInRedisUnderADigest() {
		String session = SampleClient.signIn(client(), "pro@example.com", "secret");
		this.client()
			.get()
			.uri("/api/me")
			.cookie("SESSION", session)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.email")
			.isEqualTo("pro@example.com");
		Set<String> keys = this.redis.keys("webflux-sample:session:*");
		assertThat(keys).isNotEmpty();
		// on WebFlux the cookie holds the session id itself (not Base64, as the servlet cookie does)
		assertThat(keys).noneMatch((key) -> key.contains(session) || key.contains("pro@example.com"));
	}

	@Test
	void withoutASessionMeIs401() {
		this.client().get().uri("/api/me").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void wrongPasswordIs401() {
		this.client()
			.post()
			.uri("/api/auth/login")
			.bodyValue(Map.of("email", "free@example.com", "password", "guess"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void signOutEndsTheSession() {
		String session = SampleClient.signIn(client(), "free@example.com", "secret");
		this.client().post().uri("/api/auth/logout").cookie("SESSION", session).exchange().expectStatus().isNoContent();
		this.client().get().uri("/api/me").cookie("SESSION", session).exchange().expectStatus().isUnauthorized();
	}

	@Test
	void signOutEverywhereEndsEverySessionOfTheUser() {
		WebTestClient client = client();
		client.post()
			.uri("/api/auth/signup")
			.bodyValue(Map.of("email", "everywhere@example.com", "name", "Everywhere", "password", "pw"))
			.exchange()
			.expectStatus()
			.isCreated();
		String laptop = SampleClient.signIn(client, "everywhere@example.com", "pw");
		String phone = SampleClient.signIn(client, "everywhere@example.com", "pw");
		String other = SampleClient.signIn(client, "free@example.com", "secret");
		client.post()
			.uri("/api/auth/logout-everywhere")
			.cookie("SESSION", phone)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.revoked")
			.isEqualTo(2);
		client.get().uri("/api/me").cookie("SESSION", laptop).exchange().expectStatus().isUnauthorized();
		client.get().uri("/api/me").cookie("SESSION", phone).exchange().expectStatus().isUnauthorized();
		client.get().uri("/api/me").cookie("SESSION", other).exchange().expectStatus().isOk();
	}

}

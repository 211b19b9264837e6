package dev.redisboot.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.redisboot.sample.mail.SentMail;
import dev.redisboot.sample.mail.SentMailRepository;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The mail export, a background job a user starts, polls and cancels
 * ({@code /api/me/mails/export}): one unfinished export per user ({@code enqueueUnique}), its
 * status by the job id kept in the session, and cancellation of a scheduled export.
 *
 * @author redisboot
 */
@SampleApplicationTest
class SampleApplicationMailExportIntegrationTests {

	private static final String PASSWORD = "correct horse battery staple";

	@Autowired
	private RestTestClient client;

	@Autowired
	private SentMailRepository mails;

	@Test
	void aUserHasOneExportAtATimeAndCanPollAndCancelIt() {
		String email = "exporter-" + UUID.randomUUID() + "@example.com";
		long userId = signUp(email);
		await().atMost(Duration.ofSeconds(15)).until(() -> this.mails.findByUserId(userId).size() == 1);
		String cookie = signIn(email);

		// scheduled for later: asking again, even for now, returns the same unfinished export
		String scheduled = (String) exchange(HttpMethod.POST, "/api/me/mails/export?delay=PT1H", cookie,
				HttpStatus.ACCEPTED).get("jobId");
		assertThat(exchange(HttpMethod.POST, "/api/me/mails/export", cookie, HttpStatus.ACCEPTED))
			.containsEntry("jobId", scheduled);
		assertThat(exchange(HttpMethod.GET, "/api/me/mails/export", cookie, HttpStatus.OK))
			.containsEntry("jobId", scheduled)
			.containsEntry("state", "SCHEDULED")
			.containsEntry("attempts", 0)
			.containsKey("dueAt")
			.doesNotContainKey("lastError");
		assertThat(exchange(HttpMethod.DELETE, "/api/me/mails/export", cookie, HttpStatus.OK))
			.containsEntry("outcome", "CANCELLED");
		assertThat(exchange(HttpMethod.GET, "/api/me/mails/export", cookie, HttpStatus.OK))
			.containsEntry("state", "CANCELLED");

		// cancelled, the key is free: a new export runs now and mails the list
		String now = (String) exchange(HttpMethod.POST, "/api/me/mails/export", cookie, HttpStatus.ACCEPTED)
			.get("jobId");
		assertThat(now).isNotEqualTo(scheduled);
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(exchange(HttpMethod.GET, "/api/me/mails/export", cookie, HttpStatus.OK))
				.containsEntry("state", "DONE")
				.containsEntry("attempts", 1));
		List<SentMail> sent = this.mails.findByUserId(userId);
		assertThat(sent).filteredOn((mail) -> mail.getSubject().equals("Your mail export"))
			.singleElement()
			.satisfies((export) -> {
				assertThat(export.getMessageKey()).isEqualTo("mail-export:" + now);
				assertThat(export.getBody()).contains("Welcome to the redisboot sample");
			});
		assertThat(exchange(HttpMethod.DELETE, "/api/me/mails/export", cookie, HttpStatus.OK))
			.containsEntry("outcome", "ALREADY_FINISHED");
	}

	@Test
	void exportsNeedASignedInSessionAndASaneDelay() {
		exchange(HttpMethod.POST, "/api/me/mails/export", null, HttpStatus.UNAUTHORIZED);
		exchange(HttpMethod.GET, "/api/me/mails/export", null, HttpStatus.UNAUTHORIZED);
		exchange(HttpMethod.DELETE, "/api/me/mails/export", null, HttpStatus.UNAUTHORIZED);
		String email = "no-export-" + UUID.randomUUID() + "@example.com";
		signUp(email);
		String cookie = signIn(email);
		exchange(HttpMethod.GET, "/api/me/mails/export", cookie, HttpStatus.NOT_FOUND);
		exchange(HttpMethod.POST, "/api/me/mails/export?delay=P30D", cookie, HttpStatus.BAD_REQUEST);
	}

	private Map<String, Object> exchange(HttpMethod method, String uri, @Nullable String cookie, HttpStatus expected) {
		Map<String, Object> body = this.client.method(method).uri(uri).headers((headers) -> {
			if (cookie != null) {
				headers.set(HttpHeaders.COOKIE, "SESSION=" + cookie);
			}
		})
			.exchange()
			.expectStatus()
			.isEqualTo(expected)
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		return (body != null) ? body : Map.of();
	}

	private long signUp(String email) {
		Map<String, Object> user = this.client.post()
			.uri("/api/auth/signup")
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "%s", "name": "Exporter", "password": "%s"}""".formatted(email, PASSWORD))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(user).isNotNull();
		return ((Number) user.get("id")).longValue();
	}

	private String signIn(String email) {
		ResponseCookie cookie = this.client.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "%s", "password": "%s"}""".formatted(email, PASSWORD))
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult()
			.getResponseCookies()
			.getFirst("SESSION");
		assertThat(cookie).as("SESSION cookie").isNotNull();
		return cookie.getValue();
	}

}

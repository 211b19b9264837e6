package dev.redisboot.sample;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.ratelimit.RateLimitExceededException;
import dev.redisboot.sample.auth.PasswordResetService;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * One person, one digest: the user whose sessions the Sessions tab samples, who is the most
 * rate-limited client of the Rate limits tab and whose sessions an operator revoked in the
 * Audit tab appears with the same display digest in all three (and never by name), although
 * the keys behind them (the principal index, the rate-limit bucket, the audit target) keep
 * digests of their own domains. The sample application's own limits ({@code demo} profile,
 * not the relaxed ones of the other tests) and a key prefix of its own.
 *
 * @author redisboot
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
@WithRedis
@ActiveProfiles("demo")
@TestPropertySource(properties = "redisboot.key-prefix=sample-digest-test")
class ConsoleDisplayDigestIntegrationTests {

	private static final String USER = "demo@example.com";

	@Autowired
	private RestTestClient client;

	@Autowired
	private PasswordResetService passwordResets;

	@Autowired
	private KeyDigester digester;

	@LocalManagementPort
	private int managementPort;

	@Test
	void theSameUserHasTheSameDigestInTheAuditTrailTheSessionsSampleAndTheRejectedClients() {
		String shown = this.digester.display(USER);
		assertThat(shown).startsWith("#").hasSize(13);
		this.client.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{\"email\": \"" + USER + "\", \"password\": \"demo-password\"}")
			.exchange()
			.expectStatus()
			.isOk();
		// the password-reset rule allows 3 an hour per address: the 4th is rejected, keyed by the address
		for (int i = 0; i < 3; i++) {
			this.passwordResets.requestReset(USER);
		}
		assertThatExceptionOfType(RateLimitExceededException.class)
			.isThrownBy(() -> this.passwordResets.requestReset(USER));
		ActuatorClient actuator = ActuatorClient.on(this.managementPort);

		String principals = body(actuator, "/actuator/principals");
		assertThat(principals).contains("\"principal\":\"" + shown + "\"").doesNotContain(USER);
		String console = body(actuator, "/actuator/console/data");
		assertThat(console).contains("\"password-reset\"", "\"client\":\"" + shown + "\"").doesNotContain(USER);
		actuator.client().delete().uri("/actuator/principals/" + USER).exchange().expectStatus().isOk();
		String audit = body(actuator, "/actuator/audit?limit=50");
		assertThat(audit).contains("principal=" + shown).doesNotContain(USER);
		// the keys keep their own domains: the index is named by the principal digest, not the display one
		assertThat(this.digester.principalDigest(USER)).doesNotContain(shown.substring(1));
	}

	private static String body(ActuatorClient actuator, String path) {
		String body = actuator.client().get().uri(path).exchange().expectStatus().isOk().expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(body).as(path).isNotNull();
		return body;
	}

}

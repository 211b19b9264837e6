package dev.redisboot.sample;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import dev.redisboot.sample.auth.ApiKeyService;
import dev.redisboot.sample.auth.DemoPasswords;
import dev.redisboot.sample.auth.LoginResponse;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * Integration tests for signing in and API keys: {@code POST /api/auth/login} with the demo
 * users, the {@code X-API-Key} header on the API, the {@code api-keys} cache and
 * {@code POST /api/auth/password-reset}. Rate limits are out of the way here (see
 * {@link SampleApplicationTest}); {@link SampleApplicationRateLimitIntegrationTests} checks
 * them.
 *
 * @author redisboot
 */
@SampleApplicationTest
class SampleApplicationAuthIntegrationTests {

	@Autowired
	private RestTestClient client;

	@Autowired
	private UserRepository users;

	@Autowired
	private StringRedisTemplate redis;

	@Test
	void demoUserOnTheFreePlanSignsInAndGetsItsApiKey() {
		assertThat(login("demo@example.com", "demo-password")).hasStatusOk()
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON)
			.bodyJson()
			.convertTo(LoginResponse.class)
			.isEqualTo(new LoginResponse("demo-free-key", "free"));
	}

	@Test
	void demoUserOnTheProPlanSignsInAndGetsItsApiKey() {
		assertThat(login(" Ada@Example.com", "demo-password")).as("the email in any case").hasStatusOk()
			.bodyJson()
			.convertTo(LoginResponse.class)
			.isEqualTo(new LoginResponse("demo-pro-key", "pro"));
	}

	@Test
	void wrongPasswordIsUnauthorizedProblem() {
		assertInvalidCredentials(login("demo@example.com", "not-the-password"));
	}

	@Test
	void unknownEmailGetsTheSameAnswerAsAWrongPassword() {
		assertInvalidCredentials(login("nobody@example.com", "demo-password"));
	}

	@Test
	void userWithoutPasswordCannotSignIn() {
		// The short constructor makes a user without a password, as other tests do
		this.users.save(new User("no-password@example.com", "No Password", Instant.now()));
		assertInvalidCredentials(login("no-password@example.com", "demo-password"));
	}

	@Test
	void userWithItsOwnPasswordSignsIn() {
		User user = this.users.save(new User("own-password@example.com", "Own Password", Instant.now(), Plan.PRO,
				User.newApiKey(), DemoPasswords.hash("correct horse battery staple")));
		assertThat(login("own-password@example.com", "correct horse battery staple")).hasStatusOk()
			.bodyJson()
			.convertTo(LoginResponse.class)
			.isEqualTo(new LoginResponse(user.getApiKey(), "pro"));
		assertInvalidCredentials(login("own-password@example.com", "demo-password"));
	}

	@ParameterizedTest
	@ValueSource(strings = { """
			{"email": "demo@example.com"}""", """
			{"password": "demo-password"}""", """
			{"email": " ", "password": "demo-password"}""", "" })
	void loginWithInvalidBodyIsBadRequestProblem(String body) {
		assertThat(post("/api/auth/login", body)).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.status", (status) -> assertThat(status).isEqualTo(400));
	}

	@Test
	void apiKeyOpensTheApi() {
		assertThat(get("/api/users/1", "demo-free-key")).hasStatusOk();
		assertThat(get("/api/users/1", "demo-pro-key")).hasStatusOk();
		assertThat(get("/api/users/1", null)).as("anonymous clients are welcome too").hasStatusOk();
	}

	@Test
	void unknownApiKeyIsUnauthorizedProblem() {
		assertThat(get("/api/users/1", "sk_made-up")).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.title", (title) -> assertThat(title).isEqualTo("Unknown API key"))
			.hasPathSatisfying("$.instance", (instance) -> assertThat(instance).isEqualTo("/api/users/1"));
	}

	@Test
	void planOfAnApiKeyIsReadFromTheDatabaseOnceAndCachedUnderItsDigest() {
		User user = this.users.save(new User("cached-key@example.com", "Cached Key", Instant.now()));
		clearInvocations(this.users);
		for (int i = 0; i < 5; i++) {
			assertThat(get("/api/users/" + user.getId(), user.getApiKey())).hasStatusOk();
		}
		// Each request looks the key up twice (rate limiter and key check): the database once
		verify(this.users, times(1)).findByApiKey(user.getApiKey());
		String key = "sample:cache:api-keys:" + ApiKeyService.digest(user.getApiKey());
		assertThat(this.redis.getExpire(key, TimeUnit.MILLISECONDS)).isBetween(1L, 60_000L);
		assertThat(this.redis.keys("sample:*")).noneMatch((name) -> name.contains(user.getApiKey()));
	}

	@Test
	void passwordResetIsAcceptedWhetherOrNotTheAccountExists() {
		assertThat(post("/api/auth/password-reset", """
				{"email": "grace@example.com"}""")).hasStatus(HttpStatus.ACCEPTED);
		assertThat(post("/api/auth/password-reset", """
				{"email": "nobody@example.com"}""")).hasStatus(HttpStatus.ACCEPTED);
		assertThat(post("/api/auth/password-reset", """
				{"email": ""}""")).hasStatus(HttpStatus.BAD_REQUEST);
	}

	private static void assertInvalidCredentials(RestTestClientResponse response) {
		assertThat(response).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.status", (status) -> assertThat(status).isEqualTo(401))
			.hasPathSatisfying("$.title", (title) -> assertThat(title).isEqualTo("Invalid credentials"))
			.hasPathSatisfying("$.detail", (detail) -> assertThat(detail).isEqualTo("Wrong email or password"))
			.hasPathSatisfying("$.instance", (instance) -> assertThat(instance).isEqualTo("/api/auth/login"));
	}

	private RestTestClientResponse login(String email, String password) {
		return post("/api/auth/login", """
				{"email": "%s", "password": "%s"}""".formatted(email, password));
	}

	private RestTestClientResponse post(String path, String json) {
		return RestTestClientResponse
			.from(this.client.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(json).exchange());
	}

	private RestTestClientResponse get(String path, @Nullable String apiKey) {
		return RestTestClientResponse.from(this.client.get()
			.uri(path)
			.headers((headers) -> {
				if (apiKey != null) {
					headers.set(ApiKeyService.HEADER, apiKey);
				}
			})
			.exchange());
	}

}

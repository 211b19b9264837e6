package dev.redisboot.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import dev.redisboot.sample.auth.DemoPasswords;
import dev.redisboot.sample.auth.LoginResponse;
import dev.redisboot.sample.auth.RevokedSessions;
import dev.redisboot.sample.session.MeView;
import dev.redisboot.sample.session.SessionView;
import dev.redisboot.sample.session.UserSessions;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.session.PrincipalSessions;
import dev.redisboot.session.RedisbootSession;
import dev.redisboot.session.RedisbootSessionRepository;
import dev.redisboot.session.SessionSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.clearInvocations;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * Integration tests for browser sessions in Redis: {@code POST /api/auth/login} signs into
 * an HTTP session, {@code GET /api/me} and {@code GET /api/me/sessions} read it,
 * {@code POST /api/auth/logout} and {@code POST /api/auth/logout-everywhere} end it, and at
 * most 5 sessions per user ({@code redisboot.session.max-sessions-per-principal}).
 * <p>
 * The {@code SESSION} cookie is {@code Secure}, which a cookie jar would not send back over
 * the plain http of the tests: each request sends the cookie itself, in a {@code Cookie}
 * header. Tests share the application context and Redis with the other
 * {@link SampleApplicationTest} classes, which sign the demo users in too, so each test
 * signs in users of its own.
 *
 * @author redisboot
 */
@SampleApplicationTest
class SampleApplicationSessionIntegrationTests {

	private static final String COOKIE = "SESSION";

	private static final String PASSWORD = "correct horse battery staple";

	@Autowired
	private RestTestClient client;

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private UserRepository users;

	@Autowired
	private PrincipalSessions principalSessions;

	@Autowired
	private RedisbootSessionRepository sessionRepository;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meterRegistry;

	@Test
	void loginSetsASecureHttpOnlySameSiteLaxSessionCookieAndStillAnswersTheApiKey() {
		User user = newUser("cookie", Plan.PRO);
		RestTestClientResponse response = login(user.getEmail(), PASSWORD, null);
		assertThat(response).hasStatusOk()
			.bodyJson()
			.convertTo(LoginResponse.class)
			.isEqualTo(new LoginResponse(user.getApiKey(), "pro"));
		assertThat(response.getExchangeResult().getResponseHeaders().get(HttpHeaders.SET_COOKIE)).singleElement()
			.asString()
			.startsWith(COOKIE + "=")
			.contains("; Path=/", "; Secure", "; HttpOnly", "; SameSite=Lax")
			.doesNotContain("Max-Age", "Expires"); // a browser-session cookie; the session times out in Redis
		ResponseCookie cookie = sessionCookie(response);
		assertThat(cookie.isSecure()).isTrue();
		assertThat(cookie.isHttpOnly()).isTrue();
		assertThat(cookie.getSameSite()).isEqualTo("Lax");
		assertThat(this.principalSessions.findSessions(user.getEmail())).singleElement()
			.satisfies((session) -> assertThat(session.handle())
				.isEqualTo(this.principalSessions.sessionHandle(sessionId(cookie.getValue()))));
	}

	@Test
	void meAnswersTheSignedInUserFromTheSessionWithoutReadingTheDatabase() {
		User user = newUser("me", Plan.FREE);
		String cookie = signIn(user.getEmail());
		clearInvocations(this.users);
		for (int i = 0; i < 3; i++) {
			assertThat(me(cookie)).hasStatusOk()
				.hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON)
				.bodyJson()
				.convertTo(MeView.class)
				.isEqualTo(new MeView(user.getId(), user.getEmail(), "User me", "free", 1));
		}
		verifyNoInteractions(this.users);
	}

	@Test
	void sessionRequestsWithoutAnApiKeyAreLimitedByTheApiRulePerAddress() {
		User user = newUser("rate-limited", Plan.FREE);
		String cookie = signIn(user.getEmail());
		for (RestTestClientResponse response : List.of(me(cookie), get("/api/me/sessions", cookie),
				post("/api/auth/logout-everywhere", cookie), post("/api/auth/logout", cookie))) {
			assertThat(response).hasStatus2xxSuccessful();
			assertThat(response.getExchangeResult().getResponseHeaders().getFirst("RateLimit-Policy"))
				.startsWith("\"api\";");
		}
	}

	@Test
	void sessionHoldsTheSignedInUserAsJsonWithoutTheApiKey() {
		User user = newUser("stored", Plan.FREE);
		String id = sessionId(signIn(user.getEmail()));
		String key = "sample:session:sessions:" + this.principalSessions.sessionHandle(id); // never the id itself
		Object stored = this.redis.opsForHash().get(key, "sessionAttr:" + UserSessions.USER_ATTRIBUTE);
		assertThat(stored).asString()
			.contains("\"email\":\"" + user.getEmail() + "\"", "\"plan\":\"free\"")
			.doesNotContain(user.getApiKey());
		// 30 minutes after the last request, the default timeout
		assertThat(this.redis.getExpire(key)).isBetween(Duration.ofMinutes(29).toSeconds(),
				Duration.ofMinutes(30).toSeconds());
	}

	@Test
	void meWithoutASignedInSessionIsUnauthorizedProblem() {
		assertThat(me(null)).as("no session for anonymous requests").doesNotContainHeader(HttpHeaders.SET_COOKIE);
		assertNotSignedIn(me(null));
		assertNotSignedIn(me("bm90LWEtc2Vzc2lvbg==")); // "not-a-session"
		assertNotSignedIn(get("/api/me/sessions", null));
	}

	@Test
	void wrongPasswordSetsNoCookieAndCreatesNoSession() {
		User user = newUser("wrong-password", Plan.FREE);
		double created = counter("redisboot.sessions.creations");
		assertThat(login(user.getEmail(), "not-the-password", null)).hasStatus(HttpStatus.UNAUTHORIZED)
			.doesNotContainHeader(HttpHeaders.SET_COOKIE);
		assertThat(this.principalSessions.findSessions(user.getEmail())).isEmpty();
		assertThat(counter("redisboot.sessions.creations")).isEqualTo(created);
	}

	@Test
	void logoutEndsTheSessionAndExpiresTheCookie() {
		User user = newUser("logout", Plan.FREE);
		String cookie = signIn(user.getEmail());
		double invalidated = counter("redisboot.sessions.invalidated");

		RestTestClientResponse logout = post("/api/auth/logout", cookie);
		assertThat(logout).hasStatus(HttpStatus.NO_CONTENT);
		assertThat(sessionCookie(logout).getMaxAge()).isZero();
		assertThat(counter("redisboot.sessions.invalidated")).isEqualTo(invalidated + 1);

		assertNotSignedIn(me(cookie));
		assertThat(this.sessionRepository.findById(sessionId(cookie))).isNull();
		assertThat(this.principalSessions.findSessions(user.getEmail())).isEmpty();
		// Signed out already, or never signed in: still 204
		assertThat(post("/api/auth/logout", cookie)).hasStatus(HttpStatus.NO_CONTENT);
		assertThat(post("/api/auth/logout", null)).hasStatus(HttpStatus.NO_CONTENT);
	}

	@Test
	void loginReplacesASessionIdPlantedBeforehand() {
		// Session fixation: an attacker gets a session id and plants it in the victim's browser
		RedisbootSession planted = this.sessionRepository.createSession();
		this.sessionRepository.save(planted);
		String plantedCookie = cookieOf(planted.getId());
		assertThat(this.sessionRepository.findById(planted.getId())).isNotNull();

		User user = newUser("fixation", Plan.FREE);
		RestTestClientResponse response = login(user.getEmail(), PASSWORD, plantedCookie);
		assertThat(response).hasStatusOk();
		String cookie = sessionCookie(response).getValue();

		assertThat(cookie).isNotEqualTo(plantedCookie);
		assertThat(me(cookie)).hasStatusOk();
		assertNotSignedIn(me(plantedCookie));
		assertThat(this.sessionRepository.findById(planted.getId())).as("the planted session").isNull();
		assertThat(this.principalSessions.findSessions(user.getEmail())).extracting(SessionSummary::handle)
			.containsExactly(this.principalSessions.sessionHandle(sessionId(cookie)));
	}

	@Test
	void signingInAgainInASignedInSessionChangesItsIdAndKeepsOneSession() {
		User user = newUser("again", Plan.FREE);
		String first = signIn(user.getEmail());
		RestTestClientResponse again = login(user.getEmail(), PASSWORD, first);
		assertThat(again).hasStatusOk();
		String second = sessionCookie(again).getValue();

		assertThat(second).isNotEqualTo(first);
		assertNotSignedIn(me(first));
		assertThat(me(second)).bodyJson()
			.convertTo(MeView.class)
			.satisfies((me) -> assertThat(me.sessions()).isOne());
	}

	@Test
	void anotherUserSigningInInASignedInSessionTakesItOver() {
		User first = newUser("first-of-two", Plan.FREE);
		User second = newUser("second-of-two", Plan.PRO);
		String cookie = signIn(first.getEmail());
		RestTestClientResponse response = login(second.getEmail(), PASSWORD, cookie);
		String secondCookie = sessionCookie(response).getValue();

		assertThat(me(secondCookie)).bodyJson()
			.convertTo(MeView.class)
			.isEqualTo(new MeView(second.getId(), second.getEmail(), "User second-of-two", "pro", 1));
		assertThat(this.principalSessions.findSessions(first.getEmail())).isEmpty();
	}

	@Test
	void meSessionsListsTheUsersSessionsOldestFirstAndMarksTheCurrentOne() {
		User user = newUser("devices", Plan.FREE);
		String laptop = signIn(user.getEmail());
		String phone = signIn(user.getEmail());

		RestTestClientResponse response = get("/api/me/sessions", phone);
		assertThat(response).hasStatusOk()
			.bodyText()
			.doesNotContain(sessionId(laptop), sessionId(phone)); // the ids are the cookies' secrets
		List<SessionView> sessions = sessions(phone);
		assertThat(sessions).extracting(SessionView::handle)
			.containsExactly(this.principalSessions.sessionHandle(sessionId(laptop)), this.principalSessions.sessionHandle(sessionId(phone)));
		assertThat(sessions).extracting(SessionView::current).containsExactly(false, true);
		assertThat(sessions).allSatisfy((session) -> {
			assertThat(session.lastUsedAt()).isAfterOrEqualTo(session.createdAt());
			assertThat(session.expiresAt()).isEqualTo(session.lastUsedAt().plus(Duration.ofMinutes(30)));
		});
		assertThat(sessions(laptop)).extracting(SessionView::current).containsExactly(true, false);
	}

	@Test
	void logoutEverywhereRevokesEverySessionOfTheUserAndNoOtherUsers() {
		User user = newUser("everywhere", Plan.FREE);
		User other = newUser("bystander", Plan.FREE);
		String laptop = signIn(user.getEmail());
		String phone = signIn(user.getEmail());
		String otherUsers = signIn(other.getEmail());
		assertThat(me(laptop)).bodyJson()
			.convertTo(MeView.class)
			.satisfies((me) -> assertThat(me.sessions()).isEqualTo(2));
		double revoked = counter("redisboot.sessions.revoked", "reason", "revoked");

		RestTestClientResponse response = post("/api/auth/logout-everywhere", phone);
		assertThat(response).hasStatusOk()
			.bodyJson()
			.convertTo(RevokedSessions.class)
			.isEqualTo(new RevokedSessions(2));
		assertThat(sessionCookie(response).getMaxAge()).as("the cookie of the session that asked").isZero();

		assertNotSignedIn(me(laptop));
		assertNotSignedIn(me(phone));
		assertThat(this.principalSessions.findSessions(user.getEmail())).isEmpty();
		assertThat(counter("redisboot.sessions.revoked", "reason", "revoked")).isEqualTo(revoked + 2);
		assertThat(me(otherUsers)).hasStatusOk();
		// The phone's request ended after the revocation: its session must not have come back
		assertThat(this.sessionRepository.findById(sessionId(phone))).isNull();
	}

	@Test
	void logoutEverywhereWithoutASignedInSessionIsUnauthorizedProblem() {
		assertThat(post("/api/auth/logout-everywhere", null)).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.title", (title) -> assertThat(title).isEqualTo("Not signed in"));
	}

	@Test
	void sixthSignInRevokesTheOldestSession() {
		User user = newUser("six-devices", Plan.FREE);
		double overTheMaximum = counter("redisboot.sessions.revoked", "reason", "max-sessions");
		List<String> cookies = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			cookies.add(signIn(user.getEmail()));
		}
		assertThat(counter("redisboot.sessions.revoked", "reason", "max-sessions")).isEqualTo(overTheMaximum);

		cookies.add(signIn(user.getEmail()));

		assertNotSignedIn(me(cookies.get(0)));
		for (String cookie : cookies.subList(1, 6)) {
			assertThat(me(cookie)).hasStatusOk()
				.bodyJson()
				.convertTo(MeView.class)
				.satisfies((me) -> assertThat(me.sessions()).isEqualTo(5));
		}
		List<String> kept = cookies.subList(1, 6)
			.stream()
			.map((cookie) -> this.principalSessions.sessionHandle(sessionId(cookie)))
			.toList();
		assertThat(this.principalSessions.findSessions(user.getEmail())).extracting(SessionSummary::handle)
			.containsExactlyElementsOf(kept);
		assertThat(counter("redisboot.sessions.revoked", "reason", "max-sessions")).isEqualTo(overTheMaximum + 1);
	}

	@Test
	void sessionMetricsCountSignInsAndRevocations() {
		User user = newUser("metrics", Plan.FREE);
		double created = counter("redisboot.sessions.creations");
		String cookie = signIn(user.getEmail());
		signIn(user.getEmail());
		assertThat(counter("redisboot.sessions.creations")).isEqualTo(created + 2);
		assertThat(post("/api/auth/logout-everywhere", cookie)).hasStatusOk();

		// Prometheus drops '_created' from a counter's name (OpenMetrics reserves the suffix):
		// redisboot.sessions.creations is scraped as redisboot_sessions_total
		assertThat(actuator().get("/actuator/prometheus")).hasStatusOk()
			.bodyText()
			.containsPattern("(?m)^# HELP redisboot_sessions_creations_total Sessions created")
			.containsPattern("(?m)^redisboot_sessions_creations_total(\\{.*\\})? \\S+$")
			.containsPattern("(?m)^redisboot_sessions_revoked_total\\{.*reason=\"revoked\".*\\} \\S+$")
			.containsPattern("(?m)^redisboot_sessions_invalidated_total(\\{.*\\})? \\S+$")
			.containsPattern("(?m)^redisboot_sessions_active(\\{.*\\})? \\d+\\.\\d+$");
	}

	@Test
	void indexPageShowsTheSignedInUserWithPlainScript() {
		assertThat(get("/", null)).hasStatusOk()
			.hasContentTypeCompatibleWith(MediaType.TEXT_HTML)
			.bodyText()
			.contains("fetch(path", "'/api/me'", "'/api/auth/login'", "'/api/auth/logout'",
					"'/api/auth/logout-everywhere'")
			.doesNotContain("<script src", "<link ");
	}

	/**
	 * A user of the test's own with the password {@value #PASSWORD}, so that no other test
	 * adds to its sessions.
	 */
	private User newUser(String name, Plan plan) {
		return this.users.save(new User(name + "-" + UUID.randomUUID() + "@example.com", "User " + name,
				Instant.now(), plan, User.newApiKey(), DemoPasswords.hash(PASSWORD)));
	}

	/**
	 * Signs a user in without a session cookie.
	 * @return the new session cookie's value
	 */
	private String signIn(String email) {
		RestTestClientResponse response = login(email, PASSWORD, null);
		assertThat(response).hasStatusOk();
		return sessionCookie(response).getValue();
	}

	private RestTestClientResponse login(String email, String password, @Nullable String cookie) {
		return RestTestClientResponse.from(this.client.post()
			.uri("/api/auth/login")
			.headers((headers) -> withCookie(headers, cookie))
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "%s", "password": "%s"}""".formatted(email, password))
			.exchange());
	}

	private RestTestClientResponse me(@Nullable String cookie) {
		return get("/api/me", cookie);
	}

	private List<SessionView> sessions(String cookie) {
		List<SessionView> sessions = this.client.get()
			.uri("/api/me/sessions")
			.headers((headers) -> withCookie(headers, cookie))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<SessionView>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(sessions).isNotNull();
		return sessions;
	}

	private RestTestClientResponse get(String path, @Nullable String cookie) {
		return RestTestClientResponse
			.from(this.client.get().uri(path).headers((headers) -> withCookie(headers, cookie)).exchange());
	}

	private RestTestClientResponse post(String path, @Nullable String cookie) {
		return RestTestClientResponse
			.from(this.client.post().uri(path).headers((headers) -> withCookie(headers, cookie)).exchange());
	}

	private static void withCookie(HttpHeaders headers, @Nullable String cookie) {
		if (cookie != null) {
			headers.set(HttpHeaders.COOKIE, COOKIE + "=" + cookie);
		}
	}

	private static ResponseCookie sessionCookie(RestTestClientResponse response) {
		ResponseCookie cookie = response.getExchangeResult().getResponseCookies().getFirst(COOKIE);
		assertThat(cookie).as("the %s cookie of the response", COOKIE).isNotNull();
		return cookie;
	}

	private static void assertNotSignedIn(RestTestClientResponse response) {
		assertThat(response).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.status", (status) -> assertThat(status).isEqualTo(401))
			.hasPathSatisfying("$.title", (title) -> assertThat(title).isEqualTo("Not signed in"));
	}

	/**
	 * The session id in a cookie: Spring Session writes it in Base64.
	 */
	private static String sessionId(String cookie) {
		return new String(Base64.getDecoder().decode(cookie), StandardCharsets.UTF_8);
	}

	private static String cookieOf(String sessionId) {
		return Base64.getEncoder().encodeToString(sessionId.getBytes(StandardCharsets.UTF_8));
	}

	private double counter(String name, String... tags) {
		Counter counter = this.meterRegistry.find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private ActuatorClient actuator() {
		return ActuatorClient.on(this.managementPort);
	}

}

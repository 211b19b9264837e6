package dev.redisboot.sample;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.redisboot.sample.auth.DemoPasswords;
import dev.redisboot.sample.product.Product;
import dev.redisboot.sample.product.ProductRepository;
import dev.redisboot.sample.session.SessionView;
import dev.redisboot.sample.session.SignInDevices;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.session.PrincipalSessions;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The endpoints the demo page ({@code GET /}) adds to the API: each session's device and
 * sign-in time ({@code GET /api/me/sessions}), signing one device out by its handle
 * ({@code DELETE /api/me/sessions/{handle}}), the welcome mail's job status for the browser
 * that signed up ({@code GET /api/me/welcome-mail}), the catalog's ids
 * ({@code GET /api/products}), and the {@code Server-Timing} header of each cache read.
 * {@code SamplePageBrowserIntegrationTests} drives the page itself.
 *
 * @author redisboot
 */
@SampleApplicationTest
class SampleApplicationDemoPageApiIntegrationTests {

	private static final String PASSWORD = "correct horse battery staple";

	private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:139.0) Gecko/20100101 Firefox/139.0";

	private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
			+ "(KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1";

	@Autowired
	private RestTestClient client;

	@Autowired
	private UserRepository users;

	@Autowired
	private ProductRepository products;

	@Autowired
	private PrincipalSessions principalSessions;

	@Autowired
	private SignInDevices devices;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meterRegistry;

	@Test
	void sessionsSayTheDeviceAndTimeOfTheirSignInAndRedisKeepsNeitherTheUserAgentNorTheAddress() {
		User user = newUser("devices");
		Instant before = Instant.now();
		String laptop = signIn(user.getEmail(), FIREFOX, null);
		String phone = signIn(user.getEmail(), IPHONE, null);
		Instant after = Instant.now();

		List<SessionView> sessions = sessions(phone);
		assertThat(sessions).extracting(SessionView::device).containsExactly("Firefox on Linux", "Safari on iPhone");
		assertThat(sessions).extracting(SessionView::current).containsExactly(false, true);
		assertThat(sessions).allSatisfy((session) -> assertThat(session.signedInAt()).isBetween(before, after));

		String key = this.devices.key(user.getEmail());
		assertThat(key).startsWith("sample:devices:").doesNotContain(user.getEmail());
		Map<Object, Object> stored = this.redis.opsForHash().entries(key);
		assertThat(stored).hasSize(2).containsOnlyKeys(sessions.get(0).handle(), sessions.get(1).handle());
		assertThat(stored.values()).allSatisfy((value) -> assertThat(value).asString()
			.matches("\\d+ (Firefox on Linux|Safari on iPhone)")
			.doesNotContain("Mozilla", user.getEmail(), "127.0.0.1"));
		assertThat(this.redis.getExpire(key)).as("seconds to live").isPositive();
		assertThat(sessions(laptop)).extracting(SessionView::current).containsExactly(true, false);
	}

	@Test
	void signingOneDeviceOutByItsHandleEndsThatSessionOnly() {
		User user = newUser("one-device");
		String laptop = signIn(user.getEmail(), FIREFOX, null);
		String phone = signIn(user.getEmail(), IPHONE, null);
		String phoneHandle = sessions(laptop).get(1).handle();

		assertThat(delete("/api/me/sessions/" + phoneHandle, laptop)).hasStatus(HttpStatus.NO_CONTENT);

		assertThat(get("/api/me", phone)).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(sessions(laptop)).singleElement().satisfies((session) -> {
			assertThat(session.current()).isTrue();
			assertThat(session.device()).isEqualTo("Firefox on Linux");
		});
		assertThat(this.redis.opsForHash().keys(this.devices.key(user.getEmail()))).doesNotContain(phoneHandle);
		assertThat(delete("/api/me/sessions/" + phoneHandle, laptop)).as("signed out already")
			.hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void signingAnotherUsersSessionOutOrOneByItsIdIsNotFound() {
		User user = newUser("owner");
		User other = newUser("other");
		String mine = signIn(user.getEmail(), FIREFOX, null);
		String theirs = signIn(other.getEmail(), IPHONE, null);
		String theirHandle = sessions(theirs).get(0).handle();

		assertThat(delete("/api/me/sessions/" + theirHandle, mine)).hasStatus(HttpStatus.NOT_FOUND);
		// PrincipalSessions.revokeSession takes an id too: the endpoint takes handles only
		String myId = new String(Base64.getDecoder().decode(signIn(user.getEmail(), FIREFOX, null)),
				StandardCharsets.UTF_8);
		assertThat(delete("/api/me/sessions/" + myId, mine)).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(delete("/api/me/sessions/not-a-handle", mine)).hasStatus(HttpStatus.NOT_FOUND);
		assertThat(delete("/api/me/sessions/" + theirHandle, null)).hasStatus(HttpStatus.UNAUTHORIZED);

		assertThat(get("/api/me", theirs)).hasStatusOk();
		assertThat(this.principalSessions.findSessions(user.getEmail())).hasSize(2);
	}

	@Test
	void signingThisDeviceOutByItsHandleSignsThisBrowserOut() {
		User user = newUser("this-device");
		String cookie = signIn(user.getEmail(), FIREFOX, null);
		String handle = sessions(cookie).get(0).handle();

		RestTestClientResponse response = delete("/api/me/sessions/" + handle, cookie);

		assertThat(response).hasStatus(HttpStatus.NO_CONTENT);
		assertThat(response.getExchangeResult().getResponseCookies().getFirst("SESSION"))
			.satisfies((cleared) -> assertThat(cleared.getMaxAge()).isZero());
		assertThat(get("/api/me", cookie)).hasStatus(HttpStatus.UNAUTHORIZED);
		assertThat(this.principalSessions.findSessions(user.getEmail())).isEmpty();
		assertThat(this.redis.hasKey(this.devices.key(user.getEmail()))).isFalse();
	}

	@Test
	void anUnreadableDeviceRecordIsAnUnknownDeviceCountedNotAnError() {
		User user = newUser("garbage");
		String cookie = signIn(user.getEmail(), FIREFOX, null);
		String handle = sessions(cookie).get(0).handle();
		String key = this.devices.key(user.getEmail());
		double unreadable = unreadable();

		this.redis.opsForHash().put(key, handle, "not a sign-in");
		assertThat(sessions(cookie)).singleElement().satisfies((session) -> {
			assertThat(session.device()).isEqualTo("Unknown device");
			assertThat(session.signedInAt()).isNull();
			assertThat(session.createdAt()).isNotNull();
		});
		assertThat(unreadable()).isEqualTo(unreadable + 1);

		// a key of another type, written by someone else
		this.redis.delete(key);
		this.redis.opsForValue().set(key, "a string");
		assertThat(sessions(cookie)).singleElement()
			.satisfies((session) -> assertThat(session.device()).isEqualTo("Unknown device"));
		assertThat(unreadable()).isEqualTo(unreadable + 2);
		this.redis.delete(key);
	}

	@Test
	void theBrowserThatSignedUpFollowsItsWelcomeMailJobUntilItIsDone() {
		String email = "welcome-" + UUID.randomUUID() + "@example.com";
		RestTestClientResponse signup = RestTestClientResponse.from(this.client.post()
			.uri("/api/auth/signup")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("email", email, "name", "Wendy Welcome", "password", PASSWORD))
			.exchange());
		assertThat(signup).hasStatus(HttpStatus.CREATED);
		ResponseCookie signupCookie = signup.getExchangeResult().getResponseCookies().getFirst("SESSION");
		assertThat(signupCookie).as("the session that holds the job id").isNotNull();
		assertThat(get("/api/me/welcome-mail", signupCookie.getValue())).as("not signed in yet")
			.hasStatus(HttpStatus.UNAUTHORIZED);

		// the sign-in keeps the session's attributes under a new id
		String cookie = signIn(email, FIREFOX, signupCookie.getValue());
		assertThat(cookie).isNotEqualTo(signupCookie.getValue());
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(get("/api/me/welcome-mail", cookie)).hasStatusOk()
				.bodyJson()
				.hasPathSatisfying("$.state", (state) -> assertThat(state).isEqualTo("DONE"))
				.hasPathSatisfying("$.finished", (finished) -> assertThat(finished).isEqualTo(true))
				.hasPathSatisfying("$.attempts", (attempts) -> assertThat(attempts).isEqualTo(1))
				.hasPathSatisfying("$.enqueuedAt", (at) -> assertThat(at).isNotNull()));
		assertThat(get("/api/me/welcome-mail", cookie)).bodyText().doesNotContain("lastError", email);

		// another browser of the same user, which signed nobody up
		assertThat(get("/api/me/welcome-mail", signIn(email, IPHONE, null))).hasStatus(HttpStatus.NOT_FOUND);
	}

	@Test
	void theCatalogListsTheProductIdsAndEachReadSaysHowTheCacheAnswered() {
		Product product = this.products.save(new Product("Page product " + UUID.randomUUID(), null,
				new BigDecimal("1.00")));
		List<Long> ids = this.client.get()
			.uri("/api/products")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<Long>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(ids).contains(product.getId()).isSorted();

		String path = "/api/products/" + product.getId();
		assertThat(serverTiming(get(path, null)))
			.matches("cache;desc=\"products miss\";dur=[\\d.]+, cache;desc=\"products load\";dur=[\\d.]+");
		assertThat(serverTiming(get(path, null))).matches("cache;desc=\"products hit-near\";dur=[\\d.]+");
	}

	private static @Nullable String serverTiming(RestTestClientResponse response) {
		assertThat(response).hasStatusOk();
		return response.getExchangeResult().getResponseHeaders().getFirst("Server-Timing");
	}

	private User newUser(String name) {
		return this.users.save(new User(name + "-" + UUID.randomUUID() + "@example.com", "User " + name,
				Instant.now(), Plan.FREE, User.newApiKey(), DemoPasswords.hash(PASSWORD)));
	}

	/**
	 * Signs a user in from a device.
	 * @return the new session's cookie
	 */
	private String signIn(String email, String userAgent, @Nullable String cookie) {
		RestTestClientResponse response = RestTestClientResponse.from(this.client.post()
			.uri("/api/auth/login")
			.headers((headers) -> {
				headers.set(HttpHeaders.USER_AGENT, userAgent);
				withCookie(headers, cookie);
			})
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("email", email, "password", PASSWORD))
			.exchange());
		assertThat(response).hasStatusOk();
		ResponseCookie session = response.getExchangeResult().getResponseCookies().getFirst("SESSION");
		assertThat(session).as("SESSION cookie").isNotNull();
		return session.getValue();
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

	private RestTestClientResponse delete(String path, @Nullable String cookie) {
		return RestTestClientResponse
			.from(this.client.delete().uri(path).headers((headers) -> withCookie(headers, cookie)).exchange());
	}

	private static void withCookie(HttpHeaders headers, @Nullable String cookie) {
		if (cookie != null) {
			headers.set(HttpHeaders.COOKIE, "SESSION=" + cookie);
		}
	}

	private double unreadable() {
		return this.meterRegistry.counter("sample.devices.unreadable").count();
	}

}

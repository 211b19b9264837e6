package dev.redisboot.sample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.redisboot.sample.RequestCommands.Request;
import dev.redisboot.sample.auth.DemoPasswords;
import dev.redisboot.sample.session.MeView;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis commands of {@code GET /api/me} with a signed-in session, counted per request on
 * the application's Lettuce client and attributed to whoever sent them
 * ({@link RequestCommands}): the session layer ({@code HGETALL} to read the session, one
 * {@code EVALSHA} to write its last access time and slide its expiry), the rate limiter of
 * the {@code api} rule (one {@code EVALSHA}), and the sample's own reads, which cost nothing
 * while the user's session count is cached. Sequential requests, 16 concurrent requests on one
 * session (one browser: one client address), and 16 concurrent requests on 16 sessions (16
 * browsers, each with an address of its own, from RFC 5737's documentation range, sent in
 * {@code X-Forwarded-For} as a trusted reverse proxy would).
 * <p>
 * Concurrent requests of one address share one rate-limit bucket. How the rate limiter updates
 * it under contention is its own business (a compare-and-swap version sent up to 18
 * {@code EVALSHA} for one request; the one-script version sends at most one, and some requests
 * none from their own thread): the concurrent tests only print its mean, and hold the session
 * layer and the sample to their exact counts.
 * <p>
 * A context of its own (the counting listener must be on Lettuce's client before it
 * connects) with a key prefix of its own on the shared Redis, and the relaxed rate limits of
 * the other tests.
 *
 * @author redisboot
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "redisboot.key-prefix=sample-session-commands-test", "server.forward-headers-strategy=native",
				// counts are reused for the whole test, however slow the machine
				"sample.session-count-max-age=1h" })
@AutoConfigureRestTestClient
@WithRedis
@ActiveProfiles("relaxed-rate-limits")
@Import(RequestCommands.class)
class SampleApplicationSessionCommandsIntegrationTests {

	private static final String PASSWORD = "correct horse battery staple";

	private static final int THREADS = 16;

	private static final int ROUNDS = 10;

	/**
	 * What the session layer sends per request with a session: read it, write what changed.
	 */
	private static final Map<String, Integer> SESSION = Map.of("hgetall", 1, "evalsha", 1);

	/**
	 * What the {@code api} rate-limit rule sends per request.
	 */
	private static final Map<String, Integer> RATE_LIMIT = Map.of("evalsha", 1);

	@Autowired
	private RestTestClient client;

	@Autowired
	private UserRepository users;

	@Autowired
	private RequestCommands commands;

	@BeforeEach
	void clear() {
		this.commands.clear();
	}

	@Test
	void meSendsTwoSessionCommandsAndNoneOfTheSamplesOnceTheSessionCountIsKnown() {
		String cookie = signIn(newUser("sequential"));
		me(cookie, 1); // the first asks Redis for the user's sessions
		this.commands.clear();
		for (int i = 0; i < ROUNDS; i++) {
			me(cookie, 1);
		}
		List<Request> requests = this.commands.completed();
		assertThat(requests).hasSize(ROUNDS).allSatisfy(this::assertTwoSessionCommandsAndNoneOfTheSamples);
	}

	@Test
	void meCountsTheUsersSessionsWithOneRoundTripTheFirstTime() {
		User user = newUser("first");
		signIn(user);
		String cookie = signIn(user);
		this.commands.clear();
		me(cookie, 2);
		assertThat(this.commands.completed()).singleElement().satisfies((request) -> {
			assertThat(request.of("session")).isEqualTo(SESSION);
			// the index, then the 2 sessions' times in one pipeline
			assertThat(request.of("sample")).isEqualTo(Map.of("zrange", 1, "hmget", 2));
		});
	}

	@Test
	void sixteenConcurrentRequestsOnOneSessionSendTwoSessionCommandsEach() throws Exception {
		String cookie = signIn(newUser("hot"));
		me(cookie, "192.0.2.1", 1);
		this.commands.clear();
		concurrently((thread) -> cookie, (thread) -> "192.0.2.1");
		assertTwoSessionCommandsAndNoneOfTheSamplesConcurrently(this.commands.completed(), "one session");
	}

	@Test
	void sixteenConcurrentRequestsOnSixteenSessionsSendTwoSessionCommandsEach() throws Exception {
		List<String> cookies = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			cookies.add(signIn(newUser("spread-" + i)));
			// the rate limiter reads a bucket it does not know yet with a GET first
			me(cookies.get(i), "198.51.100." + (i + 1), 1);
		}
		this.commands.clear();
		concurrently(cookies::get, (thread) -> "198.51.100." + (thread + 1));
		assertTwoSessionCommandsAndNoneOfTheSamplesConcurrently(this.commands.completed(), "16 sessions");
	}

	private void assertTwoSessionCommandsAndNoneOfTheSamplesConcurrently(List<Request> requests, String sessions) {
		assertThat(requests).hasSize(THREADS * ROUNDS).allSatisfy((request) -> {
			assertThat(request.name()).isEqualTo("GET /api/me");
			assertThat(request.commands().keySet()).as(request.toString()).isSubsetOf("session", "ratelimit");
			assertThat(request.of("session")).as(request.toString()).isEqualTo(SESSION);
			// a swap that lost the race is tried again, after reading the bucket again when the conflict says so
			assertThat(request.of("ratelimit").keySet()).as(request.toString()).isSubsetOf("evalsha", "get");
		});
		// not asserted (the rate limiter's, and it depends on the interleaving): said for the record
		IntSummaryStatistics rateLimit = requests.stream()
			.mapToInt((request) -> request.of("ratelimit").values().stream().mapToInt(Integer::intValue).sum())
			.summaryStatistics();
		System.out.printf(Locale.ROOT, "GET /api/me, %d threads on %s: rate limiter commands per request %.2f (max %d)%n",
				THREADS, sessions, rateLimit.getAverage(), rateLimit.getMax());
	}

	private void assertTwoSessionCommandsAndNoneOfTheSamples(Request request) {
		assertThat(request.name()).isEqualTo("GET /api/me");
		assertThat(request.commands()).as(request.toString())
			.isEqualTo(Map.of("session", SESSION, "ratelimit", RATE_LIMIT));
	}

	private void concurrently(CookieOfThread cookies, AddressOfThread addresses) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < THREADS; i++) {
				String cookie = cookies.of(i);
				String address = addresses.of(i);
				done.add(threads.submit(() -> {
					start.await();
					for (int round = 0; round < ROUNDS; round++) {
						me(cookie, address, 1);
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@FunctionalInterface
	private interface CookieOfThread {

		String of(int thread);

	}

	@FunctionalInterface
	private interface AddressOfThread {

		String of(int thread);

	}

	private User newUser(String name) {
		return this.users.save(new User(name + "-" + UUID.randomUUID() + "@example.com", "User " + name,
				Instant.now(), Plan.FREE, User.newApiKey(), DemoPasswords.hash(PASSWORD)));
	}

	private String signIn(User user) {
		String setCookie = this.client.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "%s", "password": "%s"}""".formatted(user.getEmail(), PASSWORD))
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult()
			.getResponseHeaders()
			.getFirst(HttpHeaders.SET_COOKIE);
		assertThat(setCookie).startsWith("SESSION=");
		return setCookie.substring("SESSION=".length(), setCookie.indexOf(';'));
	}

	private void me(String cookie, int sessions) {
		me(cookie, "203.0.113.1", sessions);
	}

	private void me(String cookie, String clientAddress, int sessions) {
		MeView me = this.client.get()
			.uri("/api/me")
			.header(HttpHeaders.COOKIE, "SESSION=" + cookie)
			.header("X-Forwarded-For", clientAddress)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(MeView.class)
			.returnResult()
			.getResponseBody();
		assertThat(me).isNotNull();
		assertThat(me.sessions()).isEqualTo(sessions);
	}

}

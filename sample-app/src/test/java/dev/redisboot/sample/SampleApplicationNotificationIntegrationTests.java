package dev.redisboot.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.redisboot.sample.auth.DemoPasswords;
import dev.redisboot.sample.notification.Notification;
import dev.redisboot.sample.notification.NotificationHub;
import dev.redisboot.sample.notification.NotificationService;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.test.StandaloneRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.servlet.client.RestTestClient;
import org.springframework.test.web.servlet.client.assertj.RestTestClientResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for live notifications: {@code POST /api/notifications} publishes on the
 * Redis channel {@code sample:notifications}, and the {@code @RedisListener} of the
 * application pushes what it receives to the Server-Sent Events streams of
 * {@code GET /api/notifications/stream}. {@code SampleApplicationTwoInstancesIntegrationTests}
 * checks that a notification posted on one instance reaches the streams of another.
 * <p>
 * The stream clients are the JDK's {@code HttpClient} ({@link SseClient}), as a browser's
 * {@code EventSource} would read the stream.
 *
 * @author redisboot
 */
@SampleApplicationTest
class SampleApplicationNotificationIntegrationTests {

	private static final String PASSWORD = "correct horse battery staple";

	private static final String STREAM = "/api/notifications/stream";

	@Autowired
	private RestTestClient client;

	@Autowired
	private UserRepository users;

	@Autowired
	private NotificationHub hub;

	@Autowired
	private NotificationService notifications;

	@Autowired
	private JsonMapper jsonMapper;

	@Autowired
	private MeterRegistry meterRegistry;

	@Value("${local.server.port}")
	private int port;

	@Autowired
	private RedisMessageListenerContainer listenerContainer;

	/**
	 * Pub/sub keeps nothing for a subscriber that is not there yet: wait until the
	 * application's listener container listens and Redis lists a subscriber of the channel.
	 * (The container's start waits for its subscriptions to be confirmed; other contexts on
	 * the same Redis may be subscribed too, as channels have no key prefix.)
	 */
	@BeforeEach
	void awaitSubscribed(StandaloneRedis redis) {
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.listenerContainer.isListening() && subscribers(redis) >= 1);
	}

	@Test
	void postWithoutASignedInSessionIsUnauthorized() {
		double published = pubSubCount("published");
		assertThat(post("""
				{"message": "Anonymous"}""", null)).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.title", (title) -> assertThat(title).isEqualTo("Not signed in"));
		assertThat(pubSubCount("published")).isEqualTo(published);
	}

	@Test
	void postedNotificationIsPushedToEveryStreamAsAnEvent() {
		String cookie = signIn(newUser("poster"));
		double published = pubSubCount("published");
		double received = pubSubCount("received");
		try (SseClient first = SseClient.subscribe(url(STREAM)); SseClient second = SseClient.subscribe(url(STREAM))) {
			RestTestClientResponse response = post("""
					{"message": "Maintenance at 5 pm", "level": "warning"}""", cookie);

			assertThat(response).hasStatus(HttpStatus.ACCEPTED).hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON);
			Notification notification = this.jsonMapper
				.readValue(response.getExchangeResult().getResponseBodyContent(), Notification.class);
			assertThat(notification.id()).isNotBlank();
			assertThat(notification.message()).isEqualTo("Maintenance at 5 pm");
			assertThat(notification.level()).isEqualTo("warning");
			assertThat(notification.at()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));

			for (SseClient stream : List.of(first, second)) {
				SseClient.Event event = stream.awaitEvent("notification", notification.id());
				assertThat(event.id()).isEqualTo(notification.id());
				assertThat(this.jsonMapper.readValue(event.data(), Notification.class)).isEqualTo(notification);
				assertThat(stream.lines()).contains("event:notification", "id:" + notification.id());
			}
		}
		assertThat(pubSubCount("published")).isEqualTo(published + 1);
		// Counted once this instance's listener has returned
		await().untilAsserted(() -> assertThat(pubSubCount("received")).isEqualTo(received + 1));
	}

	@Test
	void levelIsInfoWhenLeftOut() {
		String cookie = signIn(newUser("info"));
		assertThat(post("""
				{"message": "Hello"}""", cookie)).hasStatus(HttpStatus.ACCEPTED)
			.bodyJson()
			.hasPathSatisfying("$.level", (level) -> assertThat(level).isEqualTo("info"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", """
			{"message": ""}""", """
			{"message": "   "}""", """
			{"message": "Hello", "level": "loud"}""" })
	void invalidNotificationIsBadRequestAndNotPublished(String body) {
		String cookie = signIn(newUser("invalid"));
		double published = pubSubCount("published");
		assertThat(post(body, cookie)).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.detail", (detail) -> assertThat(detail).asString().containsPattern("message|level"));
		assertThat(pubSubCount("published")).isEqualTo(published);
	}

	@Test
	void messageOfMoreThan500CharactersIsBadRequest() {
		String cookie = signIn(newUser("long"));
		assertThat(post("{\"message\": \"" + "x".repeat(501) + "\"}", cookie)).hasStatus(HttpStatus.BAD_REQUEST)
			.bodyJson()
			.hasPathSatisfying("$.detail",
					(detail) -> assertThat(detail).asString().contains("message must be at most 500 characters"));
		assertThat(post("{\"message\": \"" + "x".repeat(500) + "\"}", cookie)).hasStatus(HttpStatus.ACCEPTED);
	}

	@Test
	void streamIsPublicAndCountedAsOneApiRequestFromStartToEnd() {
		int subscribers = settledSubscribers();
		double apiRequests = apiRequests();
		long streamsEnded = streamRequests();

		SseClient stream = SseClient.subscribe(url(STREAM)); // no session, no API key
		assertThat(stream.headers().firstValue(HttpHeaders.CONTENT_TYPE)).hasValueSatisfying(
				(type) -> assertThat(MediaType.parseMediaType(type).isCompatibleWith(MediaType.TEXT_EVENT_STREAM))
					.isTrue());
		assertThat(stream.headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
				(policy) -> assertThat(policy).startsWith("\"api\";"));
		assertThat(stream.lines()).startsWith("retry:3000", ":connected");
		assertThat(this.hub.subscribers()).isEqualTo(subscribers + 1);

		// A notification published meanwhile, however long the stream has been open
		Notification notification = this.notifications.publish("Still here", "info");
		stream.awaitEvent("notification", notification.id());

		// A browser that leaves is dropped when a keep-alive comment cannot be written to it
		stream.close();
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			this.hub.keepAlive();
			assertThat(this.hub.subscribers()).isEqualTo(subscribers);
		});
		// The stream's request has ended, and the rate limiter counted it once
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(streamRequests()).isEqualTo(streamsEnded + 1));
		assertThat(apiRequests()).isEqualTo(apiRequests + 1);
	}

	@Test
	void stoppingEndsOpenStreamsBeforeTheWebServerWaitsForThem(@Autowired ApplicationContext context) {
		// Stopped before the web server's graceful shutdown, which would otherwise wait for
		// every open stream until its timeout
		SmartLifecycle gracefulShutdown = context.getBean("webServerGracefulShutdown", SmartLifecycle.class);
		assertThat(this.hub.getPhase()).isGreaterThan(gracefulShutdown.getPhase());

		SseClient open = SseClient.subscribe(url(STREAM));
		this.hub.stop();
		try {
			open.awaitEnd();
			RestTestClientResponse response = RestTestClientResponse
				.from(this.client.get().uri(STREAM).accept(MediaType.TEXT_EVENT_STREAM).exchange());
			assertThat(response).hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
				.hasHeader(HttpHeaders.RETRY_AFTER, "30")
				.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
				.bodyJson()
				.hasPathSatisfying("$.title",
						(title) -> assertThat(title).isEqualTo("Notification stream unavailable"));
		}
		finally {
			open.close();
			this.hub.start();
		}
		try (SseClient stream = SseClient.subscribe(url(STREAM))) {
			assertThat(stream.status()).isEqualTo(200);
		}
	}

	@Test
	void indexPageListensToTheStreamAndPublishesWithPlainScript() {
		assertThat(RestTestClientResponse.from(this.client.get().uri("/").exchange())).hasStatusOk()
			.hasContentTypeCompatibleWith(MediaType.TEXT_HTML)
			.bodyText()
			.contains("new EventSource('/api/notifications/stream')", "addEventListener('notification'",
					"'/api/notifications'", "'/api/auth/signup'", "'/api/me/mails'")
			.doesNotContain("<script src", "<link ");
	}

	private static long subscribers(StandaloneRedis redis) {
		Object reply = redis.node().execute("PUBSUB", "NUMSUB", NotificationService.CHANNEL);
		return (reply instanceof List<?> list && list.size() == 2 && list.get(1) instanceof Long count) ? count : 0;
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

	private User newUser(String name) {
		return this.users.save(new User(name + "-" + UUID.randomUUID() + "@example.com", "User " + name,
				Instant.now(), Plan.FREE, User.newApiKey(), DemoPasswords.hash(PASSWORD)));
	}

	/**
	 * Signs a user in.
	 * @return the {@code SESSION} cookie's value
	 */
	private String signIn(User user) {
		RestTestClientResponse response = RestTestClientResponse.from(this.client.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "%s", "password": "%s"}""".formatted(user.getEmail(), PASSWORD))
			.exchange());
		assertThat(response).hasStatusOk();
		ResponseCookie cookie = response.getExchangeResult().getResponseCookies().getFirst("SESSION");
		assertThat(cookie).as("SESSION cookie").isNotNull();
		return cookie.getValue();
	}

	private RestTestClientResponse post(String json, @Nullable String cookie) {
		return RestTestClientResponse.from(this.client.post().uri("/api/notifications").headers((headers) -> {
			if (cookie != null) {
				headers.set(HttpHeaders.COOKIE, "SESSION=" + cookie);
			}
		}).contentType(MediaType.APPLICATION_JSON).body(json).exchange());
	}

	/**
	 * The number of open streams once streams that earlier tests (of this class or of others
	 * sharing the context) closed have been dropped: a closed stream is noticed only when a
	 * keep-alive cannot be written to it, which may take two writes, so keep-alives are sent
	 * until two in a row leave the count unchanged. Without this, such a stream dropped by the
	 * hub's own 15s keep-alive in the middle of a test would change the count under it.
	 */
	private int settledSubscribers() {
		AtomicInteger settled = new AtomicInteger();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			this.hub.keepAlive();
			int before = this.hub.subscribers();
			this.hub.keepAlive();
			settled.set(this.hub.subscribers());
			return before == settled.get();
		});
		return settled.get();
	}

	private double pubSubCount(String result) {
		Counter counter = this.meterRegistry.find("redisboot.pubsub.messages")
			.tag("channel", NotificationService.CHANNEL)
			.tag("result", result)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	/**
	 * Requests the {@code api} rate-limit rule counted, allowed or not.
	 */
	private double apiRequests() {
		return this.meterRegistry.find("redisboot.ratelimit.requests")
			.tag("rule", "api")
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

	/**
	 * Stream requests that have ended, as Spring Boot's request metrics record them.
	 */
	private long streamRequests() {
		return this.meterRegistry.find("http.server.requests")
			.tag("uri", STREAM)
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

}

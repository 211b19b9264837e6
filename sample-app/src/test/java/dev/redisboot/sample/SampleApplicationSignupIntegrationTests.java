package dev.redisboot.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import dev.redisboot.sample.auth.DemoPasswords;
import dev.redisboot.sample.mail.SentMail;
import dev.redisboot.sample.mail.SentMailRepository;
import dev.redisboot.sample.mail.SentMailView;
import dev.redisboot.sample.mail.WelcomeEmail;
import dev.redisboot.sample.user.Plan;
import dev.redisboot.sample.user.User;
import dev.redisboot.sample.user.UserRepository;
import dev.redisboot.sample.user.UserView;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.StreamKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests for signing up: {@code POST /api/auth/signup} creates a free account and
 * enqueues a {@code welcome-email} job on the redisboot job queue (the Redis stream
 * {@code sample:stream:{jobs}}), which {@code WelcomeMailer} runs in the background and
 * which records the mail in the database, once, however often the job is enqueued or
 * delivered. {@code GET /api/me/mails} lists it.
 *
 * @author redisboot
 */
@SampleApplicationTest
class SampleApplicationSignupIntegrationTests {

	private static final Duration JOB_TIMEOUT = Duration.ofSeconds(15);

	private static final String PASSWORD = "correct horse battery staple";

	@Autowired
	private RestTestClient client;

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private UserRepository users;

	@Autowired
	private SentMailRepository mails;

	@Autowired
	private JobQueue jobQueue;

	@Autowired
	private StreamKeys streamKeys;

	@Autowired
	private StringRedisTemplate redis;

	@Autowired
	private MeterRegistry meterRegistry;

	@Test
	void signupCreatesAFreeAccountAndRecordsOneWelcomeMailInTheBackground() {
		double processed = processedJobs();
		String email = newEmail("ned");

		RestTestClientResponse response = signup(email.toUpperCase(Locale.ROOT), "Ned New", PASSWORD);

		assertThat(response).hasStatus(HttpStatus.CREATED).hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON);
		UserView view = userView(response);
		assertThat(response).hasHeader(HttpHeaders.LOCATION, "/api/users/" + view.id());
		assertThat(view.email()).as("stored in lower case").isEqualTo(email);
		assertThat(view.displayName()).isEqualTo("Ned New");
		assertThat(view.createdAt()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));
		User user = this.users.findByEmail(email).orElseThrow();
		assertThat(user.getId()).isEqualTo(view.id());
		assertThat(user.getPlan()).isEqualTo(Plan.FREE);
		assertThat(user.getApiKey()).startsWith("sk_").hasSize(46);
		assertThat(DemoPasswords.matches(PASSWORD, user.getPasswordHash())).isTrue();

		SentMail mail = awaitWelcomeMail(view.id());
		assertThat(mail.getRecipient()).isEqualTo(email);
		assertThat(mail.getSubject()).isEqualTo("Welcome to the redisboot sample");
		assertThat(mail.getBody()).startsWith("Hello Ned New,");
		assertThat(mail.getMessageKey()).isEqualTo("welcome-email:" + view.id());
		assertThat(mail.getDeliveryId()).as("the id of the job's stream entry").matches("\\d+-\\d+");
		await().atMost(JOB_TIMEOUT).untilAsserted(() -> assertThat(processedJobs()).isEqualTo(processed + 1));
		assertThat(actuator().get("/actuator/prometheus")).bodyText()
			.containsPattern("(?m)^redisboot_stream_messages_total\\{group=\"jobs\",result=\"processed\",stream=\"jobs\"} [1-9]");

		// The new account signs in, and finds its mail
		String cookie = signIn(email, PASSWORD);
		List<SentMailView> inbox = mailsOf(cookie);
		assertThat(inbox).singleElement().satisfies((sent) -> {
			assertThat(sent.id()).isEqualTo(mail.getId());
			assertThat(sent.recipient()).isEqualTo(email);
			assertThat(sent.subject()).isEqualTo("Welcome to the redisboot sample");
			assertThat(sent.body()).isEqualTo(mail.getBody());
		});
	}

	@Test
	void enqueuingTheWelcomeMailAgainWithItsIdempotencyKeyAddsNoJob() {
		UserView user = signUpAndAwaitWelcomeMail("twice");
		String key = WelcomeEmail.key(user.id());
		String jobId = this.redis.opsForValue().get(this.streamKeys.idempotencyKey("jobs", key));
		assertThat(jobId).as("the job id remembered under %s", key).isNotNull();
		long entries = jobEntries();

		String again = this.jobQueue.enqueue(WelcomeEmail.JOB_TYPE,
				new WelcomeEmail(user.id(), user.email(), user.displayName()), key);

		assertThat(again).as("the id of the job enqueued at sign-up").isEqualTo(jobId);
		assertThat(jobEntries()).as("entries of the jobs stream").isEqualTo(entries);
		assertThat(this.mails.findByUserId(user.id())).hasSize(1);
	}

	@Test
	void welcomeMailJobThatRunsAgainRecordsNoSecondMail() {
		UserView user = signUpAndAwaitWelcomeMail("redelivered");
		SentMail first = this.mails.findByUserId(user.id()).get(0);
		double processed = processedJobs();

		// The same job once more, as after an instance died before acknowledging it
		this.jobQueue.enqueue(WelcomeEmail.JOB_TYPE, new WelcomeEmail(user.id(), user.email(), user.displayName()));

		await().atMost(JOB_TIMEOUT).untilAsserted(() -> assertThat(processedJobs()).isEqualTo(processed + 1));
		assertThat(this.mails.findByUserId(user.id())).singleElement()
			.satisfies((mail) -> assertThat(mail.getId()).isEqualTo(first.getId()));
	}

	@Test
	void signupWithTheEmailOfAnAccountIsConflict() {
		long entries = jobEntries();
		assertThat(signup("Demo@Example.com", "Another Demo", PASSWORD)).hasStatus(HttpStatus.CONFLICT)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.status", (status) -> assertThat(status).isEqualTo(409))
			.hasPathSatisfying("$.title", (title) -> assertThat(title).isEqualTo("Email already registered"));
		assertThat(this.users.findByEmail("demo@example.com")).hasValueSatisfying(
				(demo) -> assertThat(demo.getDisplayName()).isEqualTo("Demo User"));
		assertThat(jobEntries()).as("no job enqueued").isEqualTo(entries);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", """
			{"email": "not-an-email", "name": "Ann", "password": "long enough"}""", """
			{"email": "ann@example.com", "name": " ", "password": "long enough"}""", """
			{"email": "ann@example.com", "name": "Ann", "password": "short"}""" })
	void invalidSignupIsBadRequest(String body) {
		long entries = jobEntries();
		assertThat(RestTestClientResponse.from(this.client.post()
			.uri("/api/auth/signup")
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.exchange())).hasStatus(HttpStatus.BAD_REQUEST)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.bodyJson()
			.hasPathSatisfying("$.detail",
					(detail) -> assertThat(detail).asString().containsPattern("email|name|password"));
		assertThat(this.users.findByEmail("ann@example.com")).isEmpty();
		assertThat(jobEntries()).isEqualTo(entries);
	}

	@Test
	void mailsNeedASignedInSession() {
		assertThat(get("/api/me/mails", null)).hasStatus(HttpStatus.UNAUTHORIZED)
			.hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
	}

	private UserView signUpAndAwaitWelcomeMail(String name) {
		double processed = processedJobs();
		RestTestClientResponse response = signup(newEmail(name), "User " + name, PASSWORD);
		assertThat(response).hasStatus(HttpStatus.CREATED);
		UserView user = userView(response);
		awaitWelcomeMail(user.id());
		// and the job has been acknowledged, after its handler returned
		await().atMost(JOB_TIMEOUT).untilAsserted(() -> assertThat(processedJobs()).isEqualTo(processed + 1));
		return user;
	}

	private SentMail awaitWelcomeMail(long userId) {
		return await().atMost(JOB_TIMEOUT).until(() -> {
			List<SentMail> sent = this.mails.findByUserId(userId);
			assertThat(sent).as("mails of user %d", userId).hasSizeLessThanOrEqualTo(1);
			return sent.isEmpty() ? null : sent.get(0);
		}, (mail) -> mail != null);
	}

	private static String newEmail(String name) {
		return name + "-" + UUID.randomUUID() + "@example.com";
	}

	private RestTestClientResponse signup(String email, String name, String password) {
		return RestTestClientResponse.from(this.client.post()
			.uri("/api/auth/signup")
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "%s", "name": "%s", "password": "%s"}""".formatted(email, name, password))
			.exchange());
	}

	private static UserView userView(RestTestClientResponse response) {
		UserView[] view = new UserView[1];
		assertThat(response).bodyJson().convertTo(UserView.class).satisfies((user) -> view[0] = user);
		return view[0];
	}

	private String signIn(String email, String password) {
		RestTestClientResponse response = RestTestClientResponse.from(this.client.post()
			.uri("/api/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.body("""
					{"email": "%s", "password": "%s"}""".formatted(email, password))
			.exchange());
		assertThat(response).hasStatusOk();
		ResponseCookie cookie = response.getExchangeResult().getResponseCookies().getFirst("SESSION");
		assertThat(cookie).as("SESSION cookie").isNotNull();
		return cookie.getValue();
	}

	private List<SentMailView> mailsOf(String cookie) {
		List<SentMailView> mails = this.client.get()
			.uri("/api/me/mails")
			.header(HttpHeaders.COOKIE, "SESSION=" + cookie)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<List<SentMailView>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(mails).isNotNull();
		return mails;
	}

	private RestTestClientResponse get(String path, @Nullable String cookie) {
		return RestTestClientResponse.from(this.client.get().uri(path).headers((headers) -> {
			if (cookie != null) {
				headers.set(HttpHeaders.COOKIE, "SESSION=" + cookie);
			}
		}).exchange());
	}

	/**
	 * Entries of the jobs stream: only an enqueued job adds one (processed ones stay until
	 * the stream is trimmed, far beyond what the tests add).
	 */
	private long jobEntries() {
		Long length = this.redis.opsForStream().size(this.streamKeys.streamKey("jobs"));
		return (length != null) ? length : 0;
	}

	private double processedJobs() {
		Counter counter = this.meterRegistry.find("redisboot.stream.messages")
			.tag("stream", "jobs")
			.tag("group", "jobs")
			.tag("result", "processed")
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private ActuatorClient actuator() {
		return ActuatorClient.on(this.managementPort);
	}

}

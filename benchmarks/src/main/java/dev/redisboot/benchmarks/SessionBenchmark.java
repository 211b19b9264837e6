package dev.redisboot.benchmarks;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import dev.redisboot.session.RedisbootSessionRepository;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.event.command.CommandFailedEvent;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.event.command.CommandSucceededEvent;
import io.lettuce.core.protocol.RedisCommand;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import jakarta.servlet.http.HttpSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What an HTTP session in Redis adds to a request: one {@code GET} of a trivial endpoint,
 * single-threaded, from {@link HttpClient} (HTTP/1.1, one keep-alive connection) to a Spring
 * Boot servlet application on embedded Tomcat on a loopback port, against a redis-server of
 * the benchmark's own. The application is a whole auto-configured one
 * ({@code @EnableAutoConfiguration} with the benchmarks' class path: Spring MVC, Spring
 * Session on Redis, redisboot) with three endpoints:
 * <ul>
 * <li>{@code GET /plain} answers {@code ok} and never asks for the session;</li>
 * <li>{@code GET /session} reads one small attribute (a {@link SessionUser} record) from the
 * existing session and answers its name;</li>
 * <li>{@code POST /login}, called once in the trial setup, creates the session and sets two
 * attributes; every {@code GET /session} then sends its {@code Cookie: SESSION=...} header.</li>
 * </ul>
 * The {@link #scenario}:
 * <ul>
 * <li>{@code no-session}: {@code GET /plain} without the cookie, on the redisboot
 * application: the request as it is without any session (Spring Session's filter is in the
 * chain, idle). Without the cookie on purpose: with it, Spring MVC's flash-map support asks for
 * the existing session ({@code getSession(false)}) on every request, so even {@code /plain}
 * loads and saves the session (see {@link #commandsOfPlainWithCookie});</li>
 * <li>{@code redisboot}: {@code GET /session} with redisboot's {@link RedisbootSessionRepository}
 * (the starter's default): {@code HGETALL}, then one {@code EVALSHA} that writes the last
 * access time and slides the expiry;</li>
 * <li>{@code spring-session}: {@code GET /session} with {@code redisboot.session.enabled=false},
 * so Spring Boot auto-configures Spring Session's own {@link RedisSessionRepository} with its
 * defaults (JDK serialization), what a hand-wired application gets: {@code HGETALL}, then
 * {@code EXISTS}, {@code HMSET} and {@code PEXPIREAT} on save.</li>
 * </ul>
 * Those are the commands before the response goes out. Spring Session's
 * {@code SessionRepositoryFilter} commits the session twice per request, when the response is
 * committed and again when the filter chain returns, and the second commit looks the requested
 * session up again ({@code findById}). Spring Session's repository reads Redis again for it and
 * checks that the session exists ({@code HGETALL}, {@code EXISTS}; nothing changed, so no second
 * write); redisboot's answers it from the request scope its {@code SessionRequestScopeFilter}
 * opens around Spring Session's filter (no command). Commands after the response run after the
 * client has it, but before Tomcat reads the next request of the keep-alive connection (one
 * request at a time per connection), so a sequential client mostly waits for them too.
 * <p>
 * Redis commands are counted two ways over a number of requests ({@link #countCommands}): the
 * commands the application sends, by a Lettuce {@link CommandListener} installed on its client
 * before it connects (with the round trips: a command that starts while none sent before it is
 * still unanswered starts a new one), and what Redis ran, from {@code INFO commandstats}
 * deltas, which count a script's {@code EVALSHA} and also every command the script runs inside
 * Redis. A servlet filter outside Spring Session's ({@link ResponseProbe}) splits the commands
 * into those sent before the first byte of the response and those after, and tells when the
 * server has finished a request, so that the counts are taken with nothing in flight. The
 * listener stays installed while timing, in every scenario (Lettuce wraps each command for it:
 * little next to a round trip); the probe only passes requests on then. The trial setup prints
 * the counts of its scenario, with as many client threads as the trial has.
 * <h2>Concurrency</h2>
 * Each scenario runs at 1, 16 and 64 client threads ({@link #oneThread}, {@link #sixteenThreads},
 * {@link #sixtyFourThreads}), each thread sending one request at a time on a keep-alive
 * connection of its own (the client opens one per concurrent request) to Tomcat's default pool
 * of 200 request threads. {@link #sessions}: {@code hot}, every request on one session (one
 * user with many tabs, or a script); {@code spread}, requests on {@value #SPREAD_SESSIONS}
 * sessions in turn (many users). The mode is {@code SampleTime}: the mean, p50 and p99 of the
 * request time as the client sees it; throughput is the threads divided by the mean (each
 * thread sends its next request when the last one is answered). With more than one thread the
 * counts are totals over all requests: which commands went before which response, and round
 * trips, are only told apart with one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SessionBenchmark {

	/**
	 * The user {@code POST /login} puts in the session and {@code GET /session} reads.
	 */
	static final SessionUser USER = new SessionUser(42, "alice", "Alice Example");

	/**
	 * Requests counted by the trial setup.
	 */
	static final int COUNTED_REQUESTS = 1000;

	/**
	 * Sessions the {@code spread} requests use in turn.
	 */
	static final int SPREAD_SESSIONS = 256;

	private static final String COOKIE = "SESSION";

	/**
	 * What one request does: {@code no-session}, {@code redisboot} or {@code spring-session}
	 * (see the class description).
	 */
	@Param({ "no-session", "redisboot", "spring-session" })
	public String scenario;

	/**
	 * On which sessions the requests go: {@code hot}, all on one; {@code spread}, on
	 * {@value #SPREAD_SESSIONS} in turn. The same for {@code no-session}, which sends no
	 * cookie.
	 */
	@Param({ "hot", "spread" })
	public String sessions = "hot";

	private BenchmarkRedis redis;

	private RedisCommands<byte[], byte[]> lettuce;

	private ExecutorService executor;

	private HttpClient http;

	private ConfigurableApplicationContext application;

	private RedisCommandCounter counter;

	private ResponseProbe probe;

	private final AtomicLong requestsSent = new AtomicLong();

	private final AtomicInteger nextRequest = new AtomicInteger();

	private int threads = 1;

	private URI base;

	private String sessionCookie;

	private List<HttpRequest> requests;

	private String expectedBody;

	/**
	 * Starts the trial with as many client threads as JMH runs.
	 * @param params the trial's parameters
	 */
	@Setup(Level.Trial)
	public void setUp(BenchmarkParams params) {
		setUp(params.getThreads());
	}

	/**
	 * Starts a trial with one client thread.
	 */
	void setUp() {
		setUp(1);
	}

	/**
	 * Starts a trial.
	 * @param threads the client threads, for the counts the setup prints
	 */
	void setUp(int threads) {
		Scenario scenario = Scenario.of(this.scenario);
		boolean spread = switch (this.sessions) {
			case "hot" -> false;
			case "spread" -> true;
			default -> throw new IllegalArgumentException("Unknown sessions '" + this.sessions
					+ "', expected hot or spread");
		};
		this.threads = threads;
		this.redis = BenchmarkRedis.start();
		Trial.setUp(() -> {
			this.lettuce = this.redis.rawLettuce();
			this.application = this.redis.webApplication(WebApplication.class, scenario.properties());
			this.counter = this.application.getBean(CountingPostProcessor.class).counter();
			this.probe = this.application.getBean(ResponseProbe.class);
			checkRepository(scenario);
			int port = ((WebServerApplicationContext) this.application).getWebServer().getPort();
			this.base = URI.create("http://127.0.0.1:" + port);
			this.executor = Executors.newCachedThreadPool((task) -> {
				Thread thread = new Thread(task, "session-benchmark-http");
				thread.setDaemon(true);
				return thread;
			});
			this.http = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(5))
				.executor(this.executor)
				.build();
			this.sessionCookie = login();
			this.requests = new ArrayList<>();
			if (scenario == Scenario.NO_SESSION) {
				this.requests.add(get("/plain", null));
				this.expectedBody = "ok";
			}
			else {
				this.requests.add(get("/session", this.sessionCookie));
				for (int i = 1; spread && i < SPREAD_SESSIONS; i++) {
					this.requests.add(get("/session", login()));
				}
				this.expectedBody = USER.name();
			}
			// the first requests load the session script (NOSCRIPT, then EVAL) and warm up the path
			for (int i = 0; i < Math.max(100, this.requests.size()); i++) {
				request();
			}
			// as many requests per thread: 1,000 with one thread, 1,008 with 16, 1,024 with 64
			int counted = (COUNTED_REQUESTS + threads - 1) / threads * threads;
			System.out.println("SessionBenchmark " + this.scenario + ", " + this.sessions + " sessions, " + threads
					+ " threads, " + counted + " requests: " + countCommands(threads, counted));
		}, this::tearDown);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		try {
			if (this.redis != null) {
				this.redis.close();
			}
		}
		finally {
			if (this.executor != null) {
				this.executor.shutdownNow();
			}
			this.redis = null;
			this.lettuce = null;
			this.application = null;
			this.http = null;
			this.executor = null;
		}
	}

	/**
	 * One request of the scenario, on the next session in turn.
	 * @return the response body
	 */
	public String request() {
		return send(nextRequest(), this.expectedBody);
	}

	private HttpRequest nextRequest() {
		int size = this.requests.size();
		return (size == 1) ? this.requests.get(0) : this.requests.get(Math.floorMod(this.nextRequest.getAndIncrement(), size));
	}

	/**
	 * {@link #request()}, one client thread.
	 * @return the response body
	 */
	@Benchmark
	@Threads(1)
	public String oneThread() {
		return request();
	}

	/**
	 * {@link #request()}, 16 client threads.
	 * @return the response body
	 */
	@Benchmark
	@Threads(16)
	public String sixteenThreads() {
		return request();
	}

	/**
	 * {@link #request()}, 64 client threads.
	 * @return the response body
	 */
	@Benchmark
	@Threads(64)
	public String sixtyFourThreads() {
		return request();
	}

	/**
	 * The commands sent to Redis and run by it over a number of requests of the scenario.
	 * Nothing else uses the server meanwhile (the application's periodic session clean-up
	 * runs once an hour here).
	 * @param requests how many requests to count
	 * @return the counts
	 */
	Commands countCommands(int requests) {
		return countCommands(1, requests);
	}

	/**
	 * The commands sent to Redis and run by it over a number of requests of the scenario,
	 * sent by concurrent client threads, each one request at a time.
	 * @param threads the client threads
	 * @param requests how many requests to count, in all
	 * @return the counts
	 */
	Commands countCommands(int threads, int requests) {
		return countCommands(this::nextRequest, this.expectedBody, threads, requests);
	}

	/**
	 * The commands of {@code GET /plain} with the session cookie, an endpoint that does not
	 * use the session requested by a signed-in user.
	 * @param requests how many requests to count
	 * @return the counts
	 */
	Commands commandsOfPlainWithCookie(int requests) {
		HttpRequest plain = get("/plain", this.sessionCookie);
		for (int i = 0; i < 10; i++) {
			send(plain, "ok");
		}
		return countCommands(() -> plain, "ok", 1, requests);
	}

	private Commands countCommands(Supplier<HttpRequest> request, String expectedBody, int threads,
			int requests) {
		// Spring Session's filter may still be at work after the client has the response: wait for it
		awaitRequestsCompleted();
		Map<String, Long> serverBefore = commandStats();
		Map<String, Long> sentBefore = this.counter.sent();
		long roundTripsBefore = this.counter.roundTrips();
		this.probe.start();
		try {
			if (threads == 1) {
				for (int i = 0; i < requests; i++) {
					send(request.get(), expectedBody);
				}
			}
			else {
				sendConcurrently(request, expectedBody, threads, requests);
			}
			awaitRequestsCompleted();
		}
		finally {
			this.probe.stop();
		}
		long roundTrips = this.counter.roundTrips() - roundTripsBefore;
		Map<String, Long> sent = CommandCounter.difference(this.counter.sent(), sentBefore);
		Map<String, Long> server = CommandCounter.difference(commandStats(), serverBefore);
		// the INFO commands that took these counts
		server.remove("info");
		if (this.probe.probed() != requests) {
			throw new IllegalStateException("The probe saw " + this.probe.probed() + " requests, not " + requests);
		}
		if (threads > 1) {
			// the probe's split and the round trips only mean something one request at a time
			return new Commands(requests, threads, sent, 0, server, Map.of(), 0);
		}
		return new Commands(requests, 1, sent, roundTrips, server, this.probe.beforeResponse(),
				this.probe.unwritten());
	}

	private void sendConcurrently(Supplier<HttpRequest> request, String expectedBody, int threads,
			int requests) {
		if (requests % threads != 0) {
			throw new IllegalArgumentException(requests + " requests do not divide among " + threads + " threads");
		}
		ExecutorService clients = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				done.add(clients.submit(() -> {
					start.await();
					for (int j = 0; j < requests / threads; j++) {
						send(request.get(), expectedBody);
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("Concurrent requests failed", ex);
		}
		finally {
			clients.shutdownNow();
		}
	}

	private void awaitRequestsCompleted() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.probe.completed() < this.requestsSent.get()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Only " + this.probe.completed() + " of " + this.requestsSent.get()
						+ " requests completed on the server after 10 s");
			}
			LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
		}
	}

	/**
	 * The session repository of the running application.
	 * @return the repository
	 */
	SessionRepository<?> sessionRepository() {
		return this.application.getBean(SessionRepository.class);
	}

	private void checkRepository(Scenario scenario) {
		Class<?> expected = (scenario == Scenario.SPRING_SESSION) ? RedisSessionRepository.class
				: RedisbootSessionRepository.class;
		SessionRepository<?> repository = sessionRepository();
		if (!expected.isInstance(repository)) {
			throw new IllegalStateException("Scenario " + this.scenario + " expects a " + expected.getName()
					+ ", the application has a " + repository.getClass().getName());
		}
	}

	private String login() {
		HttpRequest login = HttpRequest.newBuilder(this.base.resolve("/login"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response = exchange(login);
		if (response.statusCode() != 200) {
			throw new IllegalStateException("POST /login answered " + response.statusCode() + ": " + response.body());
		}
		for (String header : response.headers().allValues("Set-Cookie")) {
			if (header.startsWith(COOKIE + "=")) {
				int end = header.indexOf(';');
				return header.substring(COOKIE.length() + 1, (end < 0) ? header.length() : end);
			}
		}
		throw new IllegalStateException("POST /login set no " + COOKIE + " cookie: " + response.headers().map());
	}

	private HttpRequest get(String path, String cookie) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(this.base.resolve(path))
			.GET()
			.timeout(Duration.ofSeconds(10));
		if (cookie != null) {
			builder.header("Cookie", COOKIE + "=" + cookie);
		}
		return builder.build();
	}

	private String send(HttpRequest request, String expectedBody) {
		HttpResponse<String> response = exchange(request);
		if (response.statusCode() != 200 || !expectedBody.equals(response.body())) {
			throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " answered "
					+ response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	private HttpResponse<String> exchange(HttpRequest request) {
		this.requestsSent.incrementAndGet();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Calls of every command Redis has run so far, from {@code INFO commandstats}.
	 */
	private Map<String, Long> commandStats() {
		return CommandCounter.calls(this.lettuce);
	}

	/**
	 * Prints the commands and round trips per request of every scenario, and of
	 * {@code GET /plain} with the session cookie: {@code java -cp benchmarks.jar
	 * dev.redisboot.benchmarks.SessionBenchmark}.
	 * @param args ignored
	 */
	public static void main(String[] args) {
		for (Scenario scenario : Scenario.values()) {
			SessionBenchmark benchmark = new SessionBenchmark();
			benchmark.scenario = scenario.name;
			benchmark.setUp();
			try {
				System.out.println(scenario.name + ", 10000 requests: " + benchmark.countCommands(10_000));
				if (scenario != Scenario.NO_SESSION) {
					System.out.println(scenario.name + ", GET /plain with the session cookie, 10000 requests: "
							+ benchmark.commandsOfPlainWithCookie(10_000));
				}
			}
			finally {
				benchmark.tearDown();
			}
		}
	}

	/**
	 * The scenarios, by their {@link #scenario} names.
	 */
	enum Scenario {

		NO_SESSION("no-session"), REDISBOOT("redisboot"),
		SPRING_SESSION("spring-session", "redisboot.session.enabled=false");

		private final String name;

		private final String[] properties;

		Scenario(String name, String... properties) {
			this.name = name;
			this.properties = properties;
		}

		static Scenario of(String name) {
			for (Scenario scenario : values()) {
				if (scenario.name.equals(name)) {
					return scenario;
				}
			}
			throw new IllegalArgumentException("Unknown scenario '" + name + "', expected one of "
					+ Arrays.stream(values()).map((scenario) -> scenario.name).toList());
		}

		String[] properties() {
			String[] common = { "server.address=127.0.0.1", "server.port=0",
					// keep-alive for the whole run: by default Tomcat closes a connection after 100 requests
					"server.tomcat.max-keep-alive-requests=-1",
					// no periodic clean-up commands in redisboot's scenarios while counting or timing
					"redisboot.session.cleanup-interval=1h" };
			String[] all = Arrays.copyOf(common, common.length + this.properties.length);
			System.arraycopy(this.properties, 0, all, common.length, this.properties.length);
			return all;
		}

	}

	/**
	 * Redis commands over a number of requests.
	 *
	 * @param requests the number of requests
	 * @param threads the client threads that sent them, each one request at a time; with more
	 * than one, {@code roundTrips}, {@code sentBeforeResponse} and {@code unwritten} are not
	 * counted (zero, empty)
	 * @param sent commands the application sent, by command, as the Lettuce listener saw them
	 * @param roundTrips round trips of those commands: a command started while no command sent
	 * before it was unanswered starts one
	 * @param server commands Redis ran, by command, from {@code INFO commandstats}: the sent
	 * ones and those run inside scripts
	 * @param sentBeforeResponse of the sent commands, by command, those sent before the first
	 * byte of the response was written (the rest were sent after, still within the request:
	 * Spring Session's filter commits the session a second time when the chain returns)
	 * @param unwritten requests whose response was never written through the output stream,
	 * so whose commands were all counted as before the response
	 */
	record Commands(int requests, int threads, Map<String, Long> sent, long roundTrips, Map<String, Long> server,
			Map<String, Long> sentBeforeResponse, long unwritten) {

		Commands {
			sent = Collections.unmodifiableMap(new TreeMap<>(sent));
			server = Collections.unmodifiableMap(new TreeMap<>(server));
			sentBeforeResponse = Collections.unmodifiableMap(new TreeMap<>(sentBeforeResponse));
		}

		/**
		 * Commands the application sent per request.
		 * @return the mean
		 */
		double sentPerRequest() {
			return (double) total(this.sent) / this.requests;
		}

		/**
		 * Commands the application sent per request before the response went out.
		 * @return the mean
		 */
		double sentBeforeResponsePerRequest() {
			return (double) total(this.sentBeforeResponse) / this.requests;
		}

		/**
		 * Per request, by command, what the application sent after the response went out.
		 * @return the means
		 */
		Map<String, Double> sentAfterResponseByCommandPerRequest() {
			Map<String, Double> after = new TreeMap<>();
			this.sent.forEach((command, calls) -> {
				long delta = calls - this.sentBeforeResponse.getOrDefault(command, 0L);
				if (delta != 0) {
					after.put(command, (double) delta / this.requests);
				}
			});
			return after;
		}

		/**
		 * Round trips per request.
		 * @return the mean
		 */
		double roundTripsPerRequest() {
			return (double) this.roundTrips / this.requests;
		}

		/**
		 * Commands Redis ran per request, those inside scripts included.
		 * @return the mean
		 */
		double serverPerRequest() {
			return (double) total(this.server) / this.requests;
		}

		/**
		 * Per request, by command: what Redis ran beyond what the application sent, which is
		 * what scripts ran inside Redis (negative if Redis missed something sent).
		 * @return the means, by command
		 */
		Map<String, Double> insideScriptsPerRequest() {
			Set<String> commands = new HashSet<>(this.server.keySet());
			commands.addAll(this.sent.keySet());
			Map<String, Double> inside = new TreeMap<>();
			for (String command : commands) {
				long delta = this.server.getOrDefault(command, 0L) - this.sent.getOrDefault(command, 0L);
				if (delta != 0) {
					inside.put(command, (double) delta / this.requests);
				}
			}
			return inside;
		}

		/**
		 * Per request, by command, what the application sent.
		 * @return the means
		 */
		Map<String, Double> sentByCommandPerRequest() {
			return perRequest(this.sent);
		}

		/**
		 * Per request, by command, what Redis ran.
		 * @return the means
		 */
		Map<String, Double> serverByCommandPerRequest() {
			return perRequest(this.server);
		}

		private Map<String, Double> perRequest(Map<String, Long> counts) {
			Map<String, Double> means = new LinkedHashMap<>();
			counts.forEach((command, calls) -> means.put(command, (double) calls / this.requests));
			return means;
		}

		private static long total(Map<String, Long> counts) {
			return counts.values().stream().mapToLong(Long::longValue).sum();
		}

		@Override
		public String toString() {
			if (this.threads > 1) {
				return String.format(Locale.ROOT,
						"%d threads: %.3f commands sent per request %s; Redis ran %.3f per request %s, of which inside"
								+ " scripts %s",
						this.threads, sentPerRequest(), format(sentByCommandPerRequest()), serverPerRequest(),
						format(serverByCommandPerRequest()), format(insideScriptsPerRequest()));
			}
			return String.format(Locale.ROOT,
					"%.3f commands sent per request %s in %.3f round trips: %.3f before the response %s, %.3f after"
							+ " %s; Redis ran %.3f per request %s, of which inside scripts %s",
					sentPerRequest(), format(sentByCommandPerRequest()), roundTripsPerRequest(),
					sentBeforeResponsePerRequest(), format(perRequest(this.sentBeforeResponse)),
					sentPerRequest() - sentBeforeResponsePerRequest(), format(sentAfterResponseByCommandPerRequest()),
					serverPerRequest(), format(serverByCommandPerRequest()), format(insideScriptsPerRequest()));
		}

		private static String format(Map<String, Double> means) {
			return means.entrySet()
				.stream()
				.map((entry) -> String.format(Locale.ROOT, "%s %.3f", entry.getKey(), entry.getValue()))
				.collect(Collectors.joining(", ", "[", "]"));
		}

	}

	/**
	 * Counts the commands a Lettuce client sends, by command name in lower case as
	 * {@code INFO commandstats} names them, and their round trips.
	 */
	static final class RedisCommandCounter implements CommandListener {

		private final Map<String, Long> sent = new TreeMap<>();

		private final Set<RedisCommand<?, ?, ?>> unanswered = Collections
			.newSetFromMap(new IdentityHashMap<>());

		private long roundTrips;

		@Override
		public synchronized void commandStarted(CommandStartedEvent event) {
			// the listener hears of an answer only after the caller got it, so look at the commands themselves
			this.unanswered.removeIf(RedisCommand::isDone);
			if (this.unanswered.isEmpty()) {
				this.roundTrips++;
			}
			this.unanswered.add(event.getCommand());
			this.sent.merge(event.getCommand().getType().toString().toLowerCase(Locale.ROOT), 1L, Long::sum);
		}

		@Override
		public synchronized void commandSucceeded(CommandSucceededEvent event) {
			this.unanswered.remove(event.getCommand());
		}

		@Override
		public synchronized void commandFailed(CommandFailedEvent event) {
			this.unanswered.remove(event.getCommand());
		}

		synchronized Map<String, Long> sent() {
			return new TreeMap<>(this.sent);
		}

		synchronized long roundTrips() {
			return this.roundTrips;
		}

	}

	/**
	 * Installs a {@link RedisCommandCounter} on the client of Spring Boot's
	 * {@link LettuceConnectionFactory} as soon as it exists, before any connection: Lettuce
	 * gives a connection the listeners its client had when it connected.
	 */
	static final class CountingPostProcessor implements BeanPostProcessor {

		private final RedisCommandCounter counter = new RedisCommandCounter();

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (bean instanceof LettuceConnectionFactory factory) {
				AbstractRedisClient client = factory.getNativeClient();
				if (client == null) {
					throw new IllegalStateException("The LettuceConnectionFactory has no client after initialization");
				}
				client.addListener(this.counter);
			}
			return bean;
		}

		RedisCommandCounter counter() {
			return this.counter;
		}

	}

	/**
	 * A servlet filter outside Spring Session's that counts the requests the server has
	 * finished (Spring Session's filter included) and, while started, splits each request's
	 * Redis commands into those sent before the first byte of the response was written and
	 * those sent after. Spring Session's response wrapper saves the session when the response
	 * is committed, before it passes the bytes on to this filter's wrapper, so "before" is
	 * everything the client had to wait for.
	 */
	static final class ResponseProbe implements Filter {

		private final RedisCommandCounter counter;

		private final AtomicLong completed = new AtomicLong();

		private volatile boolean started;

		private long probed;

		private final Map<String, Long> beforeResponse = new TreeMap<>();

		private long unwritten;

		ResponseProbe(RedisCommandCounter counter) {
			this.counter = counter;
		}

		@Override
		public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
				throws IOException, ServletException {
			try {
				if (!this.started) {
					chain.doFilter(request, response);
					return;
				}
				Map<String, Long> start = this.counter.sent();
				FirstWrite wrapped = new FirstWrite((HttpServletResponse) response, this.counter);
				chain.doFilter(request, wrapped);
				Map<String, Long> atFirstWrite = wrapped.sentAtFirstWrite;
				synchronized (this) {
					this.probed++;
					if (atFirstWrite == null) {
						this.unwritten++;
						atFirstWrite = this.counter.sent();
					}
					CommandCounter.difference(atFirstWrite, start)
						.forEach((command, calls) -> this.beforeResponse.merge(command, calls, Long::sum));
				}
			}
			finally {
				this.completed.incrementAndGet();
			}
		}

		synchronized void start() {
			this.probed = 0;
			this.beforeResponse.clear();
			this.unwritten = 0;
			this.started = true;
		}

		synchronized void stop() {
			this.started = false;
		}

		long completed() {
			return this.completed.get();
		}

		synchronized long probed() {
			return this.probed;
		}

		synchronized Map<String, Long> beforeResponse() {
			return new TreeMap<>(this.beforeResponse);
		}

		synchronized long unwritten() {
			return this.unwritten;
		}

	}

	/**
	 * Notes the commands sent so far when the first byte of the response is written or
	 * flushed through it.
	 */
	static final class FirstWrite extends HttpServletResponseWrapper {

		private final RedisCommandCounter counter;

		private ServletOutputStream stream;

		private Map<String, Long> sentAtFirstWrite;

		FirstWrite(HttpServletResponse response, RedisCommandCounter counter) {
			super(response);
			this.counter = counter;
		}

		private void written() {
			if (this.sentAtFirstWrite == null) {
				this.sentAtFirstWrite = this.counter.sent();
			}
		}

		@Override
		public void flushBuffer() throws IOException {
			written();
			super.flushBuffer();
		}

		@Override
		public ServletOutputStream getOutputStream() throws IOException {
			if (this.stream == null) {
				ServletOutputStream delegate = super.getOutputStream();
				this.stream = new ServletOutputStream() {

					@Override
					public void write(int b) throws IOException {
						written();
						delegate.write(b);
					}

					@Override
					public void write(byte[] b, int off, int len) throws IOException {
						written();
						delegate.write(b, off, len);
					}

					@Override
					public void flush() throws IOException {
						written();
						delegate.flush();
					}

					@Override
					public void close() throws IOException {
						written();
						delegate.close();
					}

					@Override
					public boolean isReady() {
						return delegate.isReady();
					}

					@Override
					public void setWriteListener(WriteListener listener) {
						delegate.setWriteListener(listener);
					}

				};
			}
			return this.stream;
		}

	}

	/**
	 * The application: everything auto-configured from the class path, as in an application
	 * with the starter, and the endpoints.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(SessionController.class)
	static class WebApplication {

		@Bean
		static CountingPostProcessor redisCommandCounter() {
			return new CountingPostProcessor();
		}

		@Bean
		ResponseProbe responseProbe(CountingPostProcessor counting) {
			return new ResponseProbe(counting.counter());
		}

		@Bean
		FilterRegistrationBean<ResponseProbe> responseProbeRegistration(ResponseProbe probe) {
			FilterRegistrationBean<ResponseProbe> registration = new FilterRegistrationBean<>(probe);
			// outside Spring Session's filter (SessionRepositoryFilter.DEFAULT_ORDER is Integer.MIN_VALUE + 50)
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			registration.setDispatcherTypes(DispatcherType.REQUEST);
			return registration;
		}

	}

	/**
	 * The endpoints.
	 */
	@RestController
	static class SessionController {

		@PostMapping("/login")
		String login(HttpServletRequest request) {
			HttpSession session = request.getSession();
			session.setAttribute("user", USER);
			session.setAttribute("locale", "en-GB");
			return "signed in";
		}

		@GetMapping("/session")
		ResponseEntity<String> session(HttpServletRequest request) {
			HttpSession session = request.getSession(false);
			SessionUser user = (session != null) ? (SessionUser) session.getAttribute("user") : null;
			return (user != null) ? ResponseEntity.ok(user.name()) : ResponseEntity.status(401).body("no session");
		}

		@GetMapping("/plain")
		String plain() {
			return "ok";
		}

	}

	/**
	 * A small session attribute; {@link Serializable} for Spring Session's default JDK
	 * serialization, JSON with redisboot's repository.
	 *
	 * @param id the user id
	 * @param name the user name
	 * @param displayName the name to show
	 */
	public record SessionUser(long id, String name, String displayName) implements Serializable {

	}

}

package dev.redisboot.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.redisboot.benchmarks.SessionBenchmark.SessionUser;
import dev.redisboot.session.ReactiveRedisbootSessionRepository;
import dev.redisboot.session.RedisbootSessionRepository;
import io.lettuce.core.api.sync.RedisCommands;
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
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.session.data.redis.ReactiveRedisSessionRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebSession;

/**
 * The reactive session path beside the servlet one: one {@code GET /session} that reads a
 * small attribute ({@link SessionUser}) from an existing session, sent by {@link HttpClient}
 * (HTTP/1.1, a keep-alive connection per client thread) to a whole auto-configured
 * application on a loopback port, against a redis-server of the benchmark's own. The
 * {@link #scenario}:
 * <ul>
 * <li>{@code servlet}: {@link SessionBenchmark}'s application (Spring MVC on Tomcat) with
 * redisboot's {@link RedisbootSessionRepository}, the baseline;</li>
 * <li>{@code webflux}: the same endpoints on WebFlux (Netty) with redisboot's
 * {@link ReactiveRedisbootSessionRepository}: the same {@code HGETALL} and {@code EVALSHA},
 * sent without blocking a thread;</li>
 * <li>{@code spring-session-webflux}: WebFlux with {@code redisboot.session.enabled=false}, so
 * Spring Boot configures Spring Session's own {@link ReactiveRedisSessionRepository} (JDK
 * serialization), what a hand-wired reactive application gets.</li>
 * </ul>
 * The trial setup counts what Redis ran over {@value #COUNTED_REQUESTS} requests
 * ({@code INFO commandstats} deltas: the commands sent, and those a script runs inside Redis
 * are counted too) and prints it. Mode {@code SampleTime} at 1, 16 and 64 client threads, each
 * sending one request at a time, all on one session.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ReactiveSessionBenchmark {

	static final int COUNTED_REQUESTS = 1000;

	/**
	 * What serves the request: {@code servlet}, {@code webflux} or
	 * {@code spring-session-webflux} (see the class description).
	 */
	@Param({ "servlet", "webflux", "spring-session-webflux" })
	public String scenario;

	private BenchmarkRedis redis;

	private ConfigurableApplicationContext application;

	private ExecutorService executor;

	private HttpClient http;

	private URI base;

	private HttpRequest request;

	@Setup(Level.Trial)
	public void setUp() {
		String[] common = { "server.address=127.0.0.1", "server.port=0", "server.tomcat.max-keep-alive-requests=-1",
				"redisboot.session.cleanup-interval=1h" };
		this.redis = BenchmarkRedis.start();
		Trial.setUp(() -> {
			this.application = switch (this.scenario) {
				case "servlet" -> this.redis.webApplication(SessionBenchmark.WebApplication.class, common);
				case "webflux" -> this.redis.reactiveWebApplication(ReactiveWebApplication.class, common);
				case "spring-session-webflux" -> this.redis.reactiveWebApplication(ReactiveWebApplication.class,
						with(common, "redisboot.session.enabled=false"));
				default -> throw new IllegalArgumentException("Unknown scenario '" + this.scenario
						+ "', expected servlet, webflux or spring-session-webflux");
			};
			checkRepository();
			int port = ((WebServerApplicationContext) this.application).getWebServer().getPort();
			this.base = URI.create("http://127.0.0.1:" + port);
			this.executor = Executors.newCachedThreadPool((task) -> {
				Thread thread = new Thread(task, "reactive-session-benchmark-http");
				thread.setDaemon(true);
				return thread;
			});
			this.http = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(Duration.ofSeconds(5))
				.executor(this.executor)
				.build();
			this.request = HttpRequest.newBuilder(this.base.resolve("/session"))
				.header("Cookie", "SESSION=" + login())
				.GET()
				.build();
			// the first requests load the session script and warm up the path
			for (int i = 0; i < 100; i++) {
				request();
			}
			System.out.println("ReactiveSessionBenchmark " + this.scenario + ", " + COUNTED_REQUESTS + " requests: "
					+ countCommands(COUNTED_REQUESTS));
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
			this.application = null;
			this.executor = null;
			this.http = null;
		}
	}

	/**
	 * One {@code GET /session} with the session cookie.
	 * @return the response body, the user's name
	 */
	public String request() {
		HttpResponse<String> response = send(this.request);
		if (response.statusCode() != 200 || !SessionBenchmark.USER.name().equals(response.body())) {
			throw new IllegalStateException("Unexpected response " + response.statusCode() + ": " + response.body());
		}
		return response.body();
	}

	@Benchmark
	@Threads(1)
	public String oneThread() {
		return request();
	}

	@Benchmark
	@Threads(16)
	public String sixteenThreads() {
		return request();
	}

	@Benchmark
	@Threads(64)
	public String sixtyFourThreads() {
		return request();
	}

	/**
	 * What Redis ran over a number of sequential requests, per request, by command.
	 * @param requests the number of requests
	 * @return commands per request, by command, and {@code total}
	 */
	Map<String, Double> countCommands(int requests) {
		RedisCommands<byte[], byte[]> lettuce = this.redis.rawLettuce();
		Map<String, Long> before = commandStats(lettuce);
		for (int i = 0; i < requests; i++) {
			request();
		}
		Map<String, Long> after = commandStats(lettuce);
		Map<String, Double> perRequest = new LinkedHashMap<>();
		double total = 0;
		for (Map.Entry<String, Long> entry : after.entrySet()) {
			long calls = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
			if (calls > 0 && !entry.getKey().equals("info")) {
				perRequest.put(entry.getKey(), (double) calls / requests);
				total += calls;
			}
		}
		perRequest.put("total", total / requests);
		return perRequest;
	}

	Object sessionRepository() {
		Object reactive = this.application.getBeanProvider(ReactiveSessionRepository.class).getIfAvailable();
		return (reactive != null) ? reactive : this.application.getBean(RedisbootSessionRepository.class);
	}

	private void checkRepository() {
		Class<?> expected = switch (this.scenario) {
			case "servlet" -> RedisbootSessionRepository.class;
			case "webflux" -> ReactiveRedisbootSessionRepository.class;
			default -> ReactiveRedisSessionRepository.class;
		};
		if (!expected.isInstance(sessionRepository())) {
			throw new IllegalStateException(this.scenario + " expected a " + expected.getSimpleName() + ", the application has "
					+ sessionRepository().getClass().getName());
		}
	}

	private static Map<String, Long> commandStats(RedisCommands<byte[], byte[]> lettuce) {
		Map<String, Long> stats = new LinkedHashMap<>();
		for (String line : lettuce.info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				String calls = Arrays.stream(line.substring(line.indexOf(':') + 1).split(","))
					.filter((part) -> part.startsWith("calls="))
					.findFirst()
					.orElse("calls=0");
				stats.put(name, Long.parseLong(calls.substring("calls=".length())));
			}
		}
		return stats;
	}

	private String login() {
		HttpResponse<String> response = send(
				HttpRequest.newBuilder(this.base.resolve("/login")).POST(HttpRequest.BodyPublishers.noBody()).build());
		List<String> cookies = response.headers().allValues("Set-Cookie");
		return cookies.stream()
			.filter((cookie) -> cookie.startsWith("SESSION="))
			.map((cookie) -> cookie.substring("SESSION=".length(), cookie.indexOf(';')))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No session cookie: " + cookies));
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String[] with(String[] properties, String... more) {
		String[] all = Arrays.copyOf(properties, properties.length + more.length);
		System.arraycopy(more, 0, all, properties.length, more.length);
		return all;
	}

	/**
	 * Prints the commands per request of each scenario, without timing:
	 * {@code java -cp benchmarks.jar dev.redisboot.benchmarks.ReactiveSessionBenchmark}.
	 * @param args ignored
	 */
	public static void main(String[] args) {
		for (String scenario : List.of("servlet", "webflux", "spring-session-webflux")) {
			ReactiveSessionBenchmark benchmark = new ReactiveSessionBenchmark();
			benchmark.scenario = scenario;
			benchmark.setUp();
			benchmark.tearDown();
		}
	}

	/**
	 * The WebFlux application: everything auto-configured from the class path, and the
	 * endpoints.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(ReactiveSessionController.class)
	static class ReactiveWebApplication {

	}

	/**
	 * {@link SessionBenchmark}'s endpoints on {@link WebSession}.
	 */
	@RestController
	static class ReactiveSessionController {

		@PostMapping("/login")
		Mono<String> login(WebSession session) {
			session.getAttributes().put("user", SessionBenchmark.USER);
			session.getAttributes().put("locale", "en-GB");
			return Mono.just("signed in");
		}

		@GetMapping("/session")
		ResponseEntity<String> session(WebSession session) {
			SessionUser user = session.getAttribute("user");
			return (user != null) ? ResponseEntity.ok(user.name()) : ResponseEntity.status(401).body("no session");
		}

	}

}

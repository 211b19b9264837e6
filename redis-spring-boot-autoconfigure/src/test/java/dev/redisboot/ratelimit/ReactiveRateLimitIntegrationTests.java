package dev.redisboot.ratelimit;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.redisboot.NonBlockingTest;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rate limiting of a WebFlux application on Netty, through real HTTP requests against real
 * Redis: the servlet stack's rules, keys, plans, headers, problem body, failure modes and
 * {@code @RateLimited} (on {@code Mono} and {@code Flux}), exact across two instances, one
 * script call per decision at most under concurrency, and nothing blocking an event loop
 * (BlockHound fails any blocking call on a Netty, Reactor or Lettuce thread).
 */
@NonBlockingTest
@WithRedis(isolated = true)
@ExtendWith(OutputCaptureExtension.class)
class ReactiveRateLimitIntegrationTests {

	private static final Pattern STATE = Pattern.compile("\"burst\";r=(\\d+);t=(\\d+)");

	private static String newPrefix() {
		return "rrl-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void headersCountDownAndTheRejectionIsA429ProblemWithRetryAfter(StandaloneRedis redis) {
		try (ConfigurableApplicationContext a = RateLimitInstances.startReactive(redis, newPrefix())) {
			HttpResponse<String> first = RateLimitInstances.get(a, "/api/hello");
			assertThat(first.statusCode()).isEqualTo(200);
			assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"burst\";q=20;w=3600");
			Matcher state = STATE.matcher(first.headers().firstValue("RateLimit").orElseThrow());
			assertThat(state.matches()).isTrue();
			assertThat(state.group(1)).isEqualTo("19");
			for (int i = 0; i < 19; i++) {
				assertThat(RateLimitInstances.get(a, "/api/hello").statusCode()).isEqualTo(200);
			}
			HttpResponse<String> rejected = RateLimitInstances.get(a, "/api/hello");
			assertThat(rejected.statusCode()).isEqualTo(429);
			assertThat(rejected.headers().firstValue("Content-Type"))
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			long retryAfter = Long.parseLong(rejected.headers().firstValue("Retry-After").orElseThrow());
			Matcher rejectedState = STATE.matcher(rejected.headers().firstValue("RateLimit").orElseThrow());
			assertThat(rejectedState.matches()).isTrue();
			assertThat(rejectedState.group(1)).isEqualTo("0");
			assertThat(retryAfter).isGreaterThanOrEqualTo(Long.parseLong(rejectedState.group(2)))
				.isBetween(1L, 3600L / 20 + 1);
			assertThat(rejected.body()).contains("\"status\":429", "\"title\":\"Too Many Requests\"",
					"\"instance\":\"/api/hello\"", "\"rule\":\"burst\"", "\"retryAfter\":" + retryAfter);
			assertThat(AbstractRateLimitIntegrationTests.count(a, "burst", "allowed")).isEqualTo(20);
			assertThat(AbstractRateLimitIntegrationTests.count(a, "burst", "rejected")).isEqualTo(1);
			// the console's most limited clients: this one, as a digest
			Map<String, Map<String, Object>> top = a.getBean(RejectedClients.class).top();
			assertThat(top.get("burst").get("clients")).asInstanceOf(InstanceOfAssertFactories.LIST)
				.singleElement()
				.satisfies((client) -> assertThat(String.valueOf(client)).contains("rejections=1")
					.doesNotContain("127.0.0.1"));
		}
	}

	@Test
	void plansApiKeysUsersAndMissingKeysAsOnTheServletStack(StandaloneRedis redis) {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = RateLimitInstances.startReactive(redis, prefix)) {
			assertThat(statuses(a, "/api/items", 7, "X-API-Key", "pro-key-1")).as("pro: 6 an hour")
				.containsExactly(200, 200, 200, 200, 200, 200, 429);
			assertThat(statuses(a, "/api/items", 4, "X-API-Key", "free-key-1")).as("free: 3 an hour")
				.containsExactly(200, 200, 200, 429);
			HttpResponse<String> invented = RateLimitInstances.get(a, "/api/items", "X-API-Key", "invented");
			assertThat(invented.statusCode()).as("a key the plan resolver does not know: missing-key deny")
				.isEqualTo(401);
			assertThat(invented.body()).contains("\"status\":401", "header:X-API-Key");
			assertThat(RateLimitInstances.get(a, "/api/items").statusCode()).as("no key").isEqualTo(401);
			assertThat(statuses(a, "/api/me", 6, "X-Test-User", "ann@example.com"))
				.as("user: the exchange's principal, 5 an hour")
				.containsExactly(200, 200, 200, 200, 200, 429);
			assertThat(RateLimitInstances.get(a, "/api/me", "X-Test-User", "bob@example.com").statusCode())
				.as("another user, another bucket")
				.isEqualTo(200);
			assertThat(RateLimitInstances.get(a, "/api/me").statusCode()).as("nobody signed in").isEqualTo(401);
			// the same buckets as the servlet stack's: keyed digests, no identity in clear
			KeyDigester digester = a.getBean(KeyDigester.class);
			assertThat(redis.node()
				.execute("EXISTS", prefix + ":rl:{api:pro:" + digester.digest("ratelimit", "h=pro-key-1") + "}",
						prefix + ":rl:{me:-:" + digester.digest("ratelimit", "u=ann@example.com") + "}"))
				.isEqualTo(2L);
			assertThat(String.valueOf(redis.node().execute("KEYS", prefix + ":*"))).doesNotContain("ann@example.com")
				.doesNotContain("pro-key-1");
		}
	}

	@Test
	void rateLimitedMonoAndFluxAreDecidedOnSubscriptionAndRejectedWithA429(StandaloneRedis redis) {
		try (ConfigurableApplicationContext a = RateLimitInstances.startReactive(redis, newPrefix())) {
			ReactiveRateLimitTestApplication.Exports exports = a
				.getBean(ReactiveRateLimitTestApplication.Exports.class);
			// the rule's own key of the current exchange: the free plan's 3 an hour, Mono and Flux alike
			assertThat(RateLimitInstances.get(a, "/api/export", "X-API-Key", "free-e").statusCode()).isEqualTo(200);
			HttpResponse<String> lines = RateLimitInstances.get(a, "/api/export/lines", "X-API-Key", "free-e");
			assertThat(lines.statusCode()).isEqualTo(200);
			assertThat(lines.body()).contains("a", "b");
			assertThat(RateLimitInstances.get(a, "/api/export", "X-API-Key", "free-e").statusCode()).isEqualTo(200);
			HttpResponse<String> rejected = RateLimitInstances.get(a, "/api/export", "X-API-Key", "free-e");
			assertThat(rejected.statusCode()).isEqualTo(429);
			assertThat(rejected.headers().firstValue("Retry-After")).isPresent();
			assertThat(rejected.headers().firstValue("RateLimit")).hasValueSatisfying(
					(value) -> assertThat(value).startsWith("\"export\";r=0;"));
			assertThat(rejected.body()).contains("\"status\":429", "\"rule\":\"export\"", "\"instance\":\"/api/export\"");
			assertThat(RateLimitInstances.get(a, "/api/export/lines", "X-API-Key", "free-e").statusCode())
				.isEqualTo(429);
			assertThat(exports.runs()).as("a rejected call never runs the method").isEqualTo(3);
			assertThat(RateLimitInstances.get(a, "/api/export", "X-API-Key", "invented").statusCode())
				.as("missing-key deny").isEqualTo(401);
			// a key expression over the arguments
			ReactiveRateLimitTestApplication.PasswordResets resets = a
				.getBean(ReactiveRateLimitTestApplication.PasswordResets.class);
			for (int i = 0; i < 2; i++) {
				assertThat(RateLimitInstances.send(a, "POST", "/api/reset/ann@example.com").statusCode()).isEqualTo(200);
			}
			assertThat(RateLimitInstances.send(a, "POST", "/api/reset/ann@example.com").statusCode()).isEqualTo(429);
			assertThat(RateLimitInstances.send(a, "POST", "/api/reset/bob@example.com").statusCode()).isEqualTo(200);
			assertThat(resets.sent()).isEqualTo(3);
		}
	}

	@Test
	void forwardedForChangesTheBucketOnlyWhenForwardHeadersAreTrusted(StandaloneRedis redis) {
		// no forward-headers strategy: the peer (127.0.0.1) is the client whatever X-Forwarded-For says
		try (ConfigurableApplicationContext a = RateLimitInstances.startReactive(redis, newPrefix())) {
			for (int i = 0; i < 3; i++) {
				assertThat(RateLimitInstances.send(a, "POST", "/api/auth/login", "X-Forwarded-For", "203.0.113." + i)
					.statusCode()).isEqualTo(200);
			}
			assertThat(RateLimitInstances.send(a, "POST", "/api/auth/login", "X-Forwarded-For", "198.51.100.7")
				.statusCode()).as("a forged header buys no fresh bucket").isEqualTo(429);
		}
		// Boot's forward headers (Reactor Netty's, as behind a trusted proxy): each forwarded client has its bucket
		String prefix = newPrefix();
		try (ConfigurableApplicationContext b = RateLimitInstances.startReactive(redis, prefix,
				"server.forward-headers-strategy=native")) {
			for (int i = 0; i < 3; i++) {
				assertThat(RateLimitInstances.send(b, "POST", "/api/auth/login", "X-Forwarded-For", "203.0.113.9")
					.statusCode()).isEqualTo(200);
			}
			assertThat(RateLimitInstances.send(b, "POST", "/api/auth/login", "X-Forwarded-For", "203.0.113.9")
				.statusCode()).isEqualTo(429);
			assertThat(RateLimitInstances.send(b, "POST", "/api/auth/login", "X-Forwarded-For", "198.51.100.7")
				.statusCode()).as("another client").isEqualTo(200);
			String digest = b.getBean(KeyDigester.class).digest("ratelimit", "ip=203.0.113.9");
			assertThat(redis.node().execute("EXISTS", prefix + ":rl:{login:-:" + digest + "}")).isEqualTo(1L);
		}
	}

	@Test
	void exactlyCapacityRequestsPassFromSixtyFourClientsOnTwoInstancesWithAtMostOneScriptCallPerDecision(
			StandaloneRedis redis) throws Exception {
		String prefix = newPrefix();
		String timeout = "redisboot.rate-limit.timeout=5s"; // exactness is under test, not the fallback
		try (ConfigurableApplicationContext a = RateLimitInstances.startReactive(redis, prefix, timeout);
				ConfigurableApplicationContext b = RateLimitInstances.startReactive(redis, prefix, timeout)) {
			int clients = 64;
			int requestsPerClient = 3;
			Map<String, String> before = redis.node().info("commandstats");
			List<Integer> statuses = RateLimitInstances.concurrentGets(a, b, clients, requestsPerClient, "/api/hello");
			long allowed = statuses.stream().filter((status) -> status == 200).count();
			long rejected = statuses.stream().filter((status) -> status == 429).count();
			Map<String, String> after = redis.node().info("commandstats");
			int decisions = clients * requestsPerClient;
			assertThat(allowed).as("exactly the capacity, across both instances").isEqualTo(20);
			assertThat(rejected).isEqualTo(decisions - 20);
			assertThat(AbstractRateLimitIntegrationTests.count(a, "burst", "allowed")
					+ AbstractRateLimitIntegrationTests.count(b, "burst", "allowed"))
				.isEqualTo(20);
			long scriptCalls = scriptCalls(after) - scriptCalls(before);
			// batching: a hot bucket costs fewer round trips than decisions, never more
			assertThat(scriptCalls).as("script calls for %d decisions", decisions).isBetween(1L, (long) decisions);
			System.out.println("Reactive: " + decisions + " decisions on one hot bucket, " + scriptCalls
					+ " script calls");
		}
	}

	@Test
	void eachFailureModeWhileRedisIsDownAndRecoveryAfterRestart(StandaloneRedis redis, CapturedOutput output) {
		try (ConfigurableApplicationContext a = RateLimitInstances.startReactive(redis, newPrefix(),
				"redisboot.rate-limit.timeout=300ms", "redisboot.rate-limit.circuit-breaker.open-duration=500ms")) {
			assertThat(statuses(a, "/api/outage/local", 3)).as("over the limit in Redis").containsExactly(200, 200, 429);
			redis.node().kill();
			try {
				assertThat(statuses(a, "/api/outage/allow", 5)).as("allow: unlimited")
					.containsExactly(200, 200, 200, 200, 200);
				HttpResponse<String> denied = RateLimitInstances.get(a, "/api/outage/deny");
				assertThat(denied.statusCode()).as("deny: 503").isEqualTo(503);
				assertThat(denied.headers().firstValue("Retry-After")).hasValue("1");
				assertThat(denied.body()).contains("\"status\":503", "\"rule\":\"outage-deny\"");
				assertThat(statuses(a, "/api/outage/local", 3)).as("local: an in-JVM bucket with the same limits")
					.containsExactly(200, 200, 429);
				assertThat(AbstractRateLimitIntegrationTests.count(a, "outage-allow", "error")).isEqualTo(5);
				assertThat(AbstractRateLimitIntegrationTests.count(a, "outage-deny", "error")).isEqualTo(1);
				assertThat(AbstractRateLimitIntegrationTests.count(a, "outage-local", "error")).isEqualTo(3);
			}
			finally {
				redis.node().start(); // an empty Redis: buckets start full again
			}
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(RateLimitInstances.get(a, "/api/outage/deny").statusCode())
					.isEqualTo(200));
			assertThat(statuses(a, "/api/outage/deny", 2)).as("limited in Redis again").containsExactly(200, 429);
		}
		assertThat(output.getAll()).doesNotContain("BlockingOperationError");
	}

	@Test
	void garbageOrAnotherTypeInTheBucketKeyIsAFreshBucketCountedAsError(StandaloneRedis redis,
			CapturedOutput output) {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = RateLimitInstances.startReactive(redis, prefix)) {
			String key = prefix + ":rl:{login:-:" + a.getBean(KeyDigester.class).digest("ratelimit", "ip=127.0.0.1")
					+ "}";
			redis.node().execute("SET", key, "\u0000garbage\u00ff");
			assertThat(RateLimitInstances.send(a, "POST", "/api/auth/login").statusCode()).isEqualTo(200);
			redis.node().execute("DEL", key);
			redis.node().execute("RPUSH", key, "x");
			assertThat(RateLimitInstances.send(a, "POST", "/api/auth/login").statusCode()).as("a list").isEqualTo(200);
			assertThat(redis.node().execute("TYPE", key)).hasToString("string");
			assertThat(statuses(a, "/api/auth/login", 3, "Content-Type", "application/json")).containsExactly(200,
					200, 429);
			assertThat(AbstractRateLimitIntegrationTests.count(a, "login", "error")).isEqualTo(2);
		}
		assertThat(output.getAll().lines().filter((line) -> line.contains("held no usable bucket state")).count())
			.as("logged once").isOne();
	}

	private static long scriptCalls(Map<String, String> stats) {
		return AbstractRateLimitIntegrationTests.calls(stats, "cmdstat_evalsha")
				+ AbstractRateLimitIntegrationTests.calls(stats, "cmdstat_eval");
	}

	private static List<Integer> statuses(ConfigurableApplicationContext context, String path, int requests,
			String... headers) {
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			statuses.add(RateLimitInstances.send(context, path.startsWith("/api/auth") ? "POST" : "GET", path, headers)
				.statusCode());
		}
		return statuses;
	}

}

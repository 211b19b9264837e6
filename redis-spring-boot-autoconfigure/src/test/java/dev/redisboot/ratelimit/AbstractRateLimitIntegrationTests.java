package dev.redisboot.ratelimit;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.redisboot.test.RedisDeployment;
import io.micrometer.core.instrument.MeterRegistry;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limiting through real HTTP requests to two instances of a web application on one
 * Redis: the limit holds exactly across instances under concurrency; run on standalone and
 * Cluster by the subclasses.
 */
abstract class AbstractRateLimitIntegrationTests {

	private static final Pattern STATE = Pattern.compile("\"burst\";r=(\\d+);t=(\\d+)");

	protected abstract RedisDeployment redis();

	protected String newPrefix() {
		return "rl-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void exactlyCapacityRequestsPassFromSixtyFourClientsOnTwoInstances() throws Exception {
		String prefix = newPrefix();
		// Exactness is under test, not the fallback: on a busy CI host a 200 ms timeout can expire while
		// 128 request threads compete for two cores, and the local fallback would then let more through.
		String timeout = "redisboot.rate-limit.timeout=5s";
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), prefix, timeout);
				ConfigurableApplicationContext b = RateLimitInstances.start(redis(), prefix, timeout)) {
			int clients = 64;
			int requestsPerClient = 3;
			List<Integer> statuses = RateLimitInstances.concurrentGets(a, b, clients, requestsPerClient, "/api/hello");
			long allowed = statuses.stream().filter((status) -> status == 200).count();
			long rejected = statuses.stream().filter((status) -> status == 429).count();
			assertThat(allowed).as("exactly the capacity, across both instances").isEqualTo(20);
			assertThat(rejected).isEqualTo(clients * requestsPerClient - 20);
			assertThat(count(a, "burst", "allowed") + count(b, "burst", "allowed")).isEqualTo(20);
			assertThat(count(a, "burst", "rejected") + count(b, "burst", "rejected"))
				.isEqualTo(clients * requestsPerClient - 20);
		}
	}

	@Test
	void headersCountDownAndTheRejectionSaysWhenToRetry() {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), prefix)) {
			HttpResponse<String> first = RateLimitInstances.get(a, "/api/hello");
			assertThat(first.statusCode()).isEqualTo(200);
			assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"burst\";q=20;w=3600");
			Matcher state = STATE.matcher(first.headers().firstValue("RateLimit").orElseThrow());
			assertThat(state.matches()).isTrue();
			assertThat(state.group(1)).isEqualTo("19");
			assertThat(Long.parseLong(state.group(2))).as("seconds until the bucket is full again").isBetween(1L, 3600L);
			for (int i = 0; i < 19; i++) {
				assertThat(RateLimitInstances.get(a, "/api/hello").statusCode()).isEqualTo(200);
			}
			HttpResponse<String> rejected = RateLimitInstances.get(a, "/api/hello");
			assertThat(rejected.statusCode()).isEqualTo(429);
			assertThat(rejected.headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith("application/problem+json"));
			long retryAfter = Long.parseLong(rejected.headers().firstValue("Retry-After").orElseThrow());
			Matcher rejectedState = STATE.matcher(rejected.headers().firstValue("RateLimit").orElseThrow());
			assertThat(rejectedState.matches()).isTrue();
			assertThat(rejectedState.group(1)).isEqualTo("0");
			assertThat(retryAfter).as("not earlier than the t it reports")
				.isGreaterThanOrEqualTo(Long.parseLong(rejectedState.group(2)))
				.isBetween(1L, 3600L / 20 + 1);
			assertThat(rejected.body()).contains("\"status\":429", "\"title\":\"Too Many Requests\"",
					"\"instance\":\"/api/hello\"", "\"rule\":\"burst\"", "\"retryAfter\":" + retryAfter);
			// the console's most limited clients: this one, as a digest
			assertThat(RateLimitInstances.get(a, "/api/hello").statusCode()).isEqualTo(429);
			Map<String, Map<String, Object>> top = a.getBean(RejectedClients.class).top();
			assertThat(top).containsOnlyKeys("burst");
			assertThat(top.get("burst").get("clients")).asInstanceOf(InstanceOfAssertFactories.LIST)
				.singleElement()
				.satisfies((client) -> {
					@SuppressWarnings("unchecked")
					Map<String, Object> entry = (Map<String, Object>) client;
					assertThat(entry).containsEntry("rejections", 2L).containsEntry("error", 0L);
					assertThat((String) entry.get("client")).startsWith("#")
						.doesNotContain("127.0.0.1")
						.doesNotContain("localhost");
				});
		}
	}

	/**
	 * Calls of a command in a server's {@code INFO commandstats}.
	 */
	static long calls(Map<String, String> stats, String command) {
		String value = stats.get(command);
		if (value == null) {
			return 0;
		}
		for (String part : value.split(",")) {
			if (part.startsWith("calls=")) {
				return Long.parseLong(part.substring(6));
			}
		}
		return 0;
	}

	static double count(ConfigurableApplicationContext context, String rule, String result) {
		var counter = context.getBean(MeterRegistry.class)
			.find("redisboot.ratelimit.requests")
			.tag("rule", rule)
			.tag("result", result)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}

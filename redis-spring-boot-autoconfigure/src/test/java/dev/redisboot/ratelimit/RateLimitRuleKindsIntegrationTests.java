package dev.redisboot.ratelimit;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.redisboot.test.RedisDeployments;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rules as configured, on real HTTP requests through one application (one context for the
 * class, a rule and path per test): the {@code all} strategy with overlapping rules, a rule
 * with several limits, {@code refill: intervally} next to greedy refill, and a key from an
 * {@code expression}.
 */
class RateLimitRuleKindsIntegrationTests {

	private static final String[] RULES = {
			// 'all' (the default) with two overlapping rules: 'wide' first, then 'narrow'
			"redisboot.rate-limit.strategy=all",
			"redisboot.rate-limit.rules[9].name=wide", "redisboot.rate-limit.rules[9].paths=/api/t/ov/**",
			"redisboot.rate-limit.rules[9].limits[0].capacity=5", "redisboot.rate-limit.rules[9].limits[0].period=1h",
			"redisboot.rate-limit.rules[10].name=narrow", "redisboot.rate-limit.rules[10].paths=/api/t/ov/a",
			"redisboot.rate-limit.rules[10].limits[0].capacity=2", "redisboot.rate-limit.rules[10].limits[0].period=1h",
			// two limits on one rule: 2 a second and 4 a minute
			"redisboot.rate-limit.rules[11].name=multi", "redisboot.rate-limit.rules[11].paths=/api/t/multi",
			"redisboot.rate-limit.rules[11].limits[0].capacity=2", "redisboot.rate-limit.rules[11].limits[0].period=1s",
			"redisboot.rate-limit.rules[11].limits[1].capacity=4", "redisboot.rate-limit.rules[11].limits[1].period=1m",
			// the same limit, refilled greedily and intervally
			"redisboot.rate-limit.rules[12].name=greedy", "redisboot.rate-limit.rules[12].paths=/api/t/greedy",
			"redisboot.rate-limit.rules[12].limits[0].capacity=4", "redisboot.rate-limit.rules[12].limits[0].period=2s",
			"redisboot.rate-limit.rules[13].name=window", "redisboot.rate-limit.rules[13].paths=/api/t/window",
			"redisboot.rate-limit.rules[13].limits[0].capacity=4", "redisboot.rate-limit.rules[13].limits[0].period=2s",
			"redisboot.rate-limit.rules[13].limits[0].refill=intervally",
			// a key from an expression: the tenant header, else the signed-in user
			"redisboot.rate-limit.rules[14].name=tenant", "redisboot.rate-limit.rules[14].paths=/api/t/tenant",
			"redisboot.rate-limit.rules[14].key=expression",
			"redisboot.rate-limit.rules[14].expression=header('X-Tenant') ?: user",
			"redisboot.rate-limit.rules[14].limits[0].capacity=2",
			"redisboot.rate-limit.rules[14].limits[0].period=1h" };

	private static final Pattern REMAINING = Pattern.compile("\"(\\w+)\";r=(\\d+);t=(\\d+)");

	private static ConfigurableApplicationContext app;

	@BeforeAll
	static void start() {
		app = RateLimitInstances.start(RedisDeployments.sharedStandalone(),
				"rl-kinds-" + UUID.randomUUID().toString().substring(0, 8), RULES);
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void withStrategyAllEveryMatchingRuleCountsARequestAndTheStrictestRejects() {
		HttpResponse<String> first = RateLimitInstances.get(app, "/api/t/ov/a");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.headers().firstValue("RateLimit-Policy"))
			.hasValue("\"wide\";q=5;w=3600, \"narrow\";q=2;w=3600");
		assertThat(first.headers().firstValue("RateLimit")).hasValueSatisfying(
				(state) -> assertThat(state).matches("\"wide\";r=4;t=\\d+, \"narrow\";r=1;t=\\d+"));
		assertThat(RateLimitInstances.get(app, "/api/t/ov/a").statusCode()).isEqualTo(200);
		HttpResponse<String> rejected = RateLimitInstances.get(app, "/api/t/ov/a");
		assertThat(rejected.statusCode()).as("the stricter rule rejects").isEqualTo(429);
		assertThat(rejected.body()).contains("\"rule\":\"narrow\"");
		assertThat(rejected.headers().firstValue("RateLimit")).hasValueSatisfying(
				(state) -> assertThat(state).matches("\"wide\";r=2;t=\\d+, \"narrow\";r=0;t=\\d+"));
		// 'wide' counted all three requests to /api/t/ov/a, the rejected one too (it ran before 'narrow')
		HttpResponse<String> other = RateLimitInstances.get(app, "/api/t/ov/b");
		assertThat(other.statusCode()).as("only 'wide' applies here").isEqualTo(200);
		assertThat(other.headers().firstValue("RateLimit-Policy")).hasValue("\"wide\";q=5;w=3600");
		assertThat(remaining(other, "wide")).isEqualTo(1);
		assertThat(RateLimitInstances.get(app, "/api/t/ov/b").statusCode()).isEqualTo(200);
		HttpResponse<String> wideRejected = RateLimitInstances.get(app, "/api/t/ov/b");
		assertThat(wideRejected.statusCode()).isEqualTo(429);
		assertThat(wideRejected.body()).contains("\"rule\":\"wide\"");
		HttpResponse<String> both = RateLimitInstances.get(app, "/api/t/ov/a");
		assertThat(both.statusCode()).isEqualTo(429);
		assertThat(both.body()).as("the first matching rule that rejects answers").contains("\"rule\":\"wide\"");
		assertThat(AbstractRateLimitIntegrationTests.count(app, "wide", "allowed")).isEqualTo(5);
		assertThat(AbstractRateLimitIntegrationTests.count(app, "wide", "rejected")).isEqualTo(2);
		assertThat(AbstractRateLimitIntegrationTests.count(app, "narrow", "allowed")).isEqualTo(2);
		assertThat(AbstractRateLimitIntegrationTests.count(app, "narrow", "rejected"))
			.as("not asked once 'wide' rejected").isEqualTo(1);
	}

	@Test
	void aRuleWithSeveralLimitsEnforcesEachOfThem() {
		HttpResponse<String> first = RateLimitInstances.get(app, "/api/t/multi");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.headers().firstValue("RateLimit-Policy"))
			.hasValue("\"multi\";q=2;w=1, \"multi-2\";q=4;w=60");
		assertThat(remaining(first, "multi")).as("the least of both limits").isEqualTo(1);
		// back to back until the per-second limit rejects (one request comes back every 500 ms)
		HttpResponse<String> perSecond = exhaust("/api/t/multi");
		int allowed = (int) AbstractRateLimitIntegrationTests.count(app, "multi", "allowed");
		assertThat(allowed).as("not yet the minute limit").isBetween(2, 3);
		assertThat(perSecond.headers().firstValue("Retry-After")).as("the per-second limit's wait").hasValue("1");
		while (allowed < 4) {
			awaitAllowed("/api/t/multi");
			allowed++;
		}
		HttpResponse<String> perMinute = RateLimitInstances.get(app, "/api/t/multi");
		assertThat(perMinute.statusCode()).as("4 a minute").isEqualTo(429);
		assertThat(Long.parseLong(perMinute.headers().firstValue("Retry-After").orElseThrow()))
			.as("the minute limit's wait (one request back every 15 s), not the second limit's")
			.isBetween(5L, 15L);
		assertThat(AbstractRateLimitIntegrationTests.count(app, "multi", "allowed")).isEqualTo(4);
	}

	@Test
	void greedyRefillGivesRequestsBackOneByOneAndIntervallyAllAtTheEndOfTheWindow() {
		// back to back until each rejects (on a slow host, greedy may have given one back meanwhile)
		exhaust("/api/t/greedy");
		exhaust("/api/t/window");
		HttpResponse<String> greedy = awaitAllowed("/api/t/greedy");
		assertThat(remaining(greedy, "greedy")).as("one request back every 500 ms: not the whole capacity")
			.isLessThan(3);
		HttpResponse<String> window = awaitAllowed("/api/t/window");
		assertThat(remaining(window, "window")).as("a new window: the whole capacity back at once").isEqualTo(3);
		for (int i = 0; i < 3; i++) {
			assertThat(RateLimitInstances.get(app, "/api/t/window").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void anExpressionKeyGivesEachValueItsOwnBucket() {
		assertThat(RateLimitInstances.get(app, "/api/t/tenant", "X-Tenant", "acme", "X-Test-User", "ann").statusCode())
			.isEqualTo(200);
		assertThat(RateLimitInstances.get(app, "/api/t/tenant", "X-Tenant", "acme", "X-Test-User", "bob").statusCode())
			.as("another user of the same tenant: the same bucket").isEqualTo(200);
		HttpResponse<String> rejected = RateLimitInstances.get(app, "/api/t/tenant", "X-Tenant", "acme");
		assertThat(rejected.statusCode()).isEqualTo(429);
		assertThat(rejected.body()).contains("\"rule\":\"tenant\"");
		assertThat(RateLimitInstances.get(app, "/api/t/tenant", "X-Tenant", "globex").statusCode())
			.as("another tenant").isEqualTo(200);
		for (int i = 0; i < 2; i++) {
			assertThat(RateLimitInstances.get(app, "/api/t/tenant", "X-Test-User", "carl").statusCode())
				.as("no tenant: the signed-in user (the rule runs after authentication)").isEqualTo(200);
		}
		assertThat(RateLimitInstances.get(app, "/api/t/tenant", "X-Test-User", "carl").statusCode()).isEqualTo(429);
		HttpResponse<String> anonymous = RateLimitInstances.get(app, "/api/t/tenant");
		assertThat(anonymous.statusCode()).as("the expression gives no key: missing-key deny").isEqualTo(401);
		assertThat(anonymous.body()).contains("\"rule\":\"tenant\"", "expression");
	}

	private static HttpResponse<String> exhaust(String path) {
		for (int i = 0; i < 50; i++) {
			HttpResponse<String> response = RateLimitInstances.get(app, path);
			if (response.statusCode() == 429) {
				return response;
			}
			assertThat(response.statusCode()).isEqualTo(200);
		}
		throw new AssertionError("never rejected: " + path);
	}

	private static HttpResponse<String> awaitAllowed(String path) {
		HttpResponse<String>[] allowed = new HttpResponse[1];
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
			HttpResponse<String> response = RateLimitInstances.get(app, path);
			allowed[0] = response;
			return response.statusCode() == 200;
		});
		return allowed[0];
	}

	private static long remaining(HttpResponse<String> response, String rule) {
		Matcher state = REMAINING.matcher(response.headers().firstValue("RateLimit").orElseThrow());
		while (state.find()) {
			if (state.group(1).equals(rule)) {
				return Long.parseLong(state.group(2));
			}
		}
		throw new AssertionError("no state of rule " + rule);
	}

}

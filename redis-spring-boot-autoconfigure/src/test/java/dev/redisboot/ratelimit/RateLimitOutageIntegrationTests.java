package dev.redisboot.ratelimit;

import java.time.Duration;
import java.util.List;

import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis stops under a running application: each rule follows its failure mode, counted as
 * {@code error}, and rate limiting goes back to Redis once it is back.
 */
@WithRedis(isolated = true)
@ExtendWith(OutputCaptureExtension.class)
class RateLimitOutageIntegrationTests {

	@Test
	void aFlappingRedisLogsOneWarningAndOneRecoveryAMinuteNotOnePerFlap(StandaloneRedis redis, CapturedOutput output) {
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis, "flapping",
				"redisboot.rate-limit.timeout=300ms", "redisboot.rate-limit.rules[5].limits[0].capacity=100")) {
			assertThat(RateLimitInstances.get(a, "/api/outage/allow").statusCode()).isEqualTo(200);
			for (int flap = 0; flap < 5; flap++) {
				redis.nodes().get(0).pause();
				try {
					assertThat(RateLimitInstances.get(a, "/api/outage/allow").statusCode()).isEqualTo(200);
				}
				finally {
					redis.nodes().get(0).resume();
				}
				assertThat(RateLimitInstances.get(a, "/api/outage/allow").statusCode()).isEqualTo(200);
			}
			assertThat(AbstractRateLimitIntegrationTests.count(a, "outage-allow", "error")).isEqualTo(5);
			assertThat(AbstractRateLimitIntegrationTests.count(a, "outage-allow", "allowed")).isEqualTo(1 + 5);
		}
		List<String> lines = output.getAll().lines().toList();
		assertThat(lines.stream().filter((line) -> line.contains("Redis is unavailable for rate limiting")).count())
			.isOne();
		assertThat(lines.stream().filter((line) -> line.contains("Redis is available for rate limiting again")).count())
			.isOne();
	}

	@Test
	void aFrozenRedisGetsEachFailureModeWithinTheTimeoutAndRateLimitingResumesWithItsBuckets(StandaloneRedis redis) {
		Duration timeout = Duration.ofMillis(300);
		// one decision waits for the timeout (the first three, until the breaker opens), plus room for a loaded machine
		Duration bound = timeout.plusSeconds(2);
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis, "frozen",
				"redisboot.rate-limit.timeout=" + timeout.toMillis() + "ms",
				"redisboot.rate-limit.circuit-breaker.open-duration=2s")) {
			assertThat(RateLimitInstances.get(a, "/api/outage/local").statusCode()).isEqualTo(200);
			assertThat(RateLimitInstances.get(a, "/api/outage/local").statusCode()).isEqualTo(200);
			assertThat(RateLimitInstances.get(a, "/api/outage/local").statusCode()).as("over the limit in Redis")
				.isEqualTo(429);
			redis.nodes().get(0).pause();
			try {
				for (int i = 0; i < 3; i++) {
					assertThat(timedStatus(a, "/api/outage/allow", bound)).as("allow").isEqualTo(200);
					assertThat(timedStatus(a, "/api/outage/deny", bound)).as("deny").isEqualTo(503);
				}
				assertThat(timedStatus(a, "/api/outage/local", bound)).as("local: a full in-JVM bucket").isEqualTo(200);
				assertThat(timedStatus(a, "/api/outage/local", bound)).isEqualTo(200);
				assertThat(timedStatus(a, "/api/outage/local", bound)).as("the local limit").isEqualTo(429);
			}
			finally {
				redis.nodes().get(0).resume();
			}
			assertThat(AbstractRateLimitIntegrationTests.count(a, "outage-allow", "error")).isEqualTo(3);
			assertThat(AbstractRateLimitIntegrationTests.count(a, "outage-deny", "error")).isEqualTo(3);
			assertThat(AbstractRateLimitIntegrationTests.count(a, "outage-local", "error")).isEqualTo(3);
			// Redis kept its data: once it answers, the bucket emptied before the freeze is empty again
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(RateLimitInstances.get(a, "/api/outage/deny").statusCode())
					.isEqualTo(200));
			assertThat(RateLimitInstances.get(a, "/api/outage/local").statusCode()).as("limited in Redis again")
				.isEqualTo(429);
		}
	}

	private static int timedStatus(ConfigurableApplicationContext context, String path, Duration bound) {
		long started = System.nanoTime();
		int status = RateLimitInstances.get(context, path).statusCode();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as(path).isLessThan(bound);
		return status;
	}

	@Test
	void eachFailureModeBehavesAsConfiguredAndRecoversAfterRestart(StandaloneRedis redis) {
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis, "outage",
				"redisboot.rate-limit.timeout=300ms", "redisboot.rate-limit.circuit-breaker.open-duration=500ms")) {
			assertThat(RateLimitInstances.get(a, "/api/outage/local").statusCode()).isEqualTo(200);
			assertThat(RateLimitInstances.get(a, "/api/outage/local").statusCode()).isEqualTo(200);
			assertThat(RateLimitInstances.get(a, "/api/outage/local").statusCode()).as("over the limit in Redis")
				.isEqualTo(429);

			redis.nodes().get(0).kill();
			for (int i = 0; i < 5; i++) {
				assertThat(RateLimitInstances.get(a, "/api/outage/allow").statusCode()).as("allow: unlimited")
					.isEqualTo(200);
			}
			var denied = RateLimitInstances.get(a, "/api/outage/deny");
			assertThat(denied.statusCode()).as("deny: 503").isEqualTo(503);
			assertThat(denied.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(denied.body()).contains("\"status\":503", "\"rule\":\"outage-deny\"");
			// local: the in-JVM bucket starts full, with the same limits
			assertThat(RateLimitInstances.get(a, "/api/outage/local").statusCode()).isEqualTo(200);
			assertThat(RateLimitInstances.get(a, "/api/outage/local").statusCode()).isEqualTo(200);
			assertThat(RateLimitInstances.get(a, "/api/outage/local").statusCode()).as("local limit").isEqualTo(429);
			assertThat(AbstractRateLimitIntegrationTests.count(a, "outage-allow", "error")).isEqualTo(5);
			assertThat(AbstractRateLimitIntegrationTests.count(a, "outage-deny", "error")).isEqualTo(1);
			assertThat(AbstractRateLimitIntegrationTests.count(a, "outage-local", "error")).isEqualTo(3);

			redis.nodes().get(0).start(); // an empty Redis: buckets start full again
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(RateLimitInstances.get(a, "/api/outage/deny").statusCode())
					.isEqualTo(200));
			assertThat(RateLimitInstances.get(a, "/api/outage/deny").statusCode()).isEqualTo(200);
			assertThat(RateLimitInstances.get(a, "/api/outage/deny").statusCode()).as("limited in Redis again")
				.isEqualTo(429);
			assertThat(AbstractRateLimitIntegrationTests.count(a, "outage-deny", "allowed")).isEqualTo(2);
		}
	}

}

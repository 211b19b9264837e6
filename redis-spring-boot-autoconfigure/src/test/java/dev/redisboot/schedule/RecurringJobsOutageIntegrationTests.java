package dev.redisboot.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.redisboot.schedule.ScheduleInstances.Scheduler;
import dev.redisboot.schedule.ScheduleInstances.SteppedClock;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.redisboot.schedule.ScheduleInstances.fixedRate;
import static dev.redisboot.schedule.ScheduleInstances.jobs;
import static dev.redisboot.schedule.ScheduleInstances.scheduler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recurring jobs on a Redis of the test's own that stops and comes back empty (no
 * persistence): fire times are counted as failed once and retried without an exception, a
 * fire time whose retry succeeds within the misfire threshold is enqueued, and a longer
 * outage follows the missed-fires policy.
 */
class RecurringJobsOutageIntegrationTests {

	private static StandaloneRedis redis;

	@BeforeAll
	static void startRedis() {
		redis = StandaloneRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void redisDownCountsTheFireTimeAsFailedAndItRunsOnceRedisIsBackOrFollowsThePolicy() {
		AtomicReference<Instant> base = new AtomicReference<>(Instant.parse("2026-12-02T08:00:05Z"));
		try (ConfigurableApplicationContext a = ScheduleInstances.start(redis, "outage",
				"redisboot.connection.check-at-startup=false", "redisboot.connection.max-reconnect-delay=100ms",
				"redisboot.stream.timeout=500ms")) {
			Scheduler one = scheduler(a, new SteppedClock(base, Duration.ZERO),
					List.of(fixedRate("hourly-ish", Duration.ofMinutes(1), MissedFires.SKIP),
							fixedRate("billing", Duration.ofMinutes(1), MissedFires.RUN_ONCE)),
					Duration.ofMillis(500));
			one.scheduler().fireDue();
			redis.node().stop();
			base.set(base.get().plusSeconds(60));
			one.scheduler().fireDue();
			base.set(base.get().plusSeconds(5));
			one.scheduler().fireDue();
			assertThat(one.fires("billing", "failed")).as("once per fire time").isOne();
			assertThat(one.fires("hourly-ish", "failed")).isOne();
			redis.node().start();
			awaitRedis(a);
			base.set(base.get().plusSeconds(5));
			one.scheduler().fireDue();
			assertThat(jobs(a, "billing")).as("08:01, retried 15 s late").isOne();
			assertThat(jobs(a, "hourly-ish")).isOne();
			// a longer outage: 08:02 to 08:05 pass while Redis is down
			redis.node().stop();
			base.set(base.get().plus(Duration.ofMinutes(4)));
			one.scheduler().fireDue();
			redis.node().start();
			awaitRedis(a);
			base.set(base.get().plus(Duration.ofMinutes(1)));
			one.scheduler().fireDue();
			// 08:06:15 now: 08:02-08:05 missed (Redis came back empty: this instance remembered 08:01)
			assertThat(jobs(a, "hourly-ish")).as("08:06 only").isOne();
			assertThat(jobs(a, "billing")).as("one for 08:02-08:05, and 08:06").isEqualTo(2);
			assertThat(one.fires("billing", "missed")).isEqualTo(4);
			assertThat(one.fires("hourly-ish", "missed")).isEqualTo(4);
			assertThat(one.fires("billing", "failed")).as("08:01, then 08:02-08:05").isEqualTo(5);
		}
	}

	private static void awaitRedis(ConfigurableApplicationContext context) {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
			context.getBean(StringRedisTemplate.class).hasKey("ping");
			return true;
		});
	}

}

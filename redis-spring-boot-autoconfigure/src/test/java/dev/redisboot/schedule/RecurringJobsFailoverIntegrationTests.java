package dev.redisboot.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import dev.redisboot.schedule.ScheduleInstances.Scheduler;
import dev.redisboot.schedule.ScheduleInstances.SteppedClock;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.SentinelRedis;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.redisboot.schedule.AbstractRecurringJobsIntegrationTests.race;
import static dev.redisboot.schedule.ScheduleInstances.fixedRate;
import static dev.redisboot.schedule.ScheduleInstances.jobs;
import static dev.redisboot.schedule.ScheduleInstances.scheduler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances racing for every fire time of four schedules through a Sentinel failover of
 * a deployment of the test's own ({@code SENTINEL FAILOVER}: the replica, in sync, becomes
 * the primary): one job per fire time before, during and after it.
 */
class RecurringJobsFailoverIntegrationTests {

	@Test
	void oneJobPerFireTimeAcrossASentinelFailover() throws Exception {
		AtomicReference<Instant> base = new AtomicReference<>(Instant.parse("2026-12-02T11:00:10Z"));
		List<RecurringJob> schedules = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			schedules.add(fixedRate("failover-" + i, Duration.ofMinutes(1), MissedFires.RUN_ONCE));
		}
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try (SentinelRedis redis = SentinelRedis.start();
				ConfigurableApplicationContext a = ScheduleInstances.start(redis, "failover",
						"redisboot.connection.max-reconnect-delay=100ms");
				ConfigurableApplicationContext b = ScheduleInstances.start(redis, "failover",
						"redisboot.connection.max-reconnect-delay=100ms")) {
			List<Scheduler> schedulers = List.of(scheduler(a, new SteppedClock(base, Duration.ZERO), schedules),
					scheduler(b, new SteppedClock(base, Duration.ofSeconds(1)), schedules));
			race(pool, schedulers);
			for (int minute = 0; minute < 3; minute++) {
				base.set(base.get().plusSeconds(60));
				race(pool, schedulers);
			}
			RedisNode before = redis.currentPrimary();
			redis.sentinels().get(0).execute("SENTINEL", "FAILOVER", SentinelRedis.MASTER_NAME);
			await().atMost(Duration.ofSeconds(30)).until(() -> redis.currentPrimary() != before);
			// fire times during and after the failover, each retried (the clock stepping 2 s a
			// try) until both instances have handled it on the new primary
			Instant start = Instant.parse("2026-12-02T11:00:10Z");
			for (int minute = 4; minute <= 6; minute++) {
				base.set(start.plus(Duration.ofMinutes(minute)));
				await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
					race(pool, schedulers);
					boolean handled = schedulers.stream()
						.allMatch((s) -> schedules.stream()
							.allMatch((j) -> s.scheduler().nextFireTime(j.name()).orElseThrow().isAfter(base.get())));
					base.set(base.get().plusSeconds(2));
					return handled;
				});
			}
			assertThat(redis.currentPrimary()).isNotSameAs(before);
			for (RecurringJob schedule : schedules) {
				assertThat(jobs(a, schedule.name())).as("%s: 11:01 to 11:06, once each", schedule.name())
					.isEqualTo(6);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

}

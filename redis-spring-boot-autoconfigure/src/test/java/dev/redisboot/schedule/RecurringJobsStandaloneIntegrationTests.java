package dev.redisboot.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.schedule.ScheduleInstances.Scheduler;
import dev.redisboot.schedule.ScheduleInstances.SteppedClock;
import dev.redisboot.stream.StreamKeys;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.redisboot.schedule.ScheduleInstances.fixedRate;
import static dev.redisboot.schedule.ScheduleInstances.jobs;
import static dev.redisboot.schedule.ScheduleInstances.scheduler;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared recurring-job tests on the shared standalone server, and a failover that loses
 * the primary's last writes (simulated: the writes of the last fire time are undone).
 */
@WithRedis(RedisTopology.STANDALONE)
class RecurringJobsStandaloneIntegrationTests extends AbstractRecurringJobsIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

	@Test
	void aFireTimeWhoseWritesAFailoverLostIsFoundAtTheNextFireTimeAndFollowsThePolicy() {
		String prefix = ScheduleInstances.newPrefix();
		AtomicReference<Instant> base = new AtomicReference<>(Instant.parse("2026-12-02T09:00:05Z"));
		try (ConfigurableApplicationContext a = ScheduleInstances.start(redis(), prefix)) {
			Scheduler one = scheduler(a, new SteppedClock(base, Duration.ZERO),
					List.of(fixedRate("lost", Duration.ofMinutes(1), MissedFires.RUN_ONCE)));
			one.scheduler().fireDue();
			base.set(base.get().plusSeconds(60));
			one.scheduler().fireDue();
			base.set(base.get().plusSeconds(60));
			one.scheduler().fireDue();
			assertThat(jobs(a, "lost")).isEqualTo(2);
			// the new primary has the state of 09:01, without the job, key and cursor of 09:02
			StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
			StreamKeys streams = a.getBean(StreamKeys.class);
			long lost = Instant.parse("2026-12-02T09:02:00Z").toEpochMilli();
			List<MapRecord<String, Object, Object>> entries = jobs(a);
			redis.opsForStream().delete(streams.streamKey("jobs"), entries.get(entries.size() - 1).getId());
			redis.delete(streams.idempotencyKey("jobs", "schedule:lost:" + lost));
			redis.opsForHash()
				.put(a.getBean(RedisKeyNamer.class).hashTaggedKey("schedule", "lost"), "cursor",
						Long.toString(lost - 60_000));
			base.set(base.get().plusSeconds(10));
			one.scheduler().fireDue();
			assertThat(jobs(a, "lost")).as("nothing due before 09:03").isOne();
			base.set(base.get().plusSeconds(50));
			one.scheduler().fireDue();
			assertThat(jobs(a, "lost")).as("09:01, 09:02 caught up (run-once), 09:03").isEqualTo(3);
			assertThat(one.fires("lost", "missed")).isOne();
			assertThat(one.fires("lost", "enqueued")).isEqualTo(4);
		}
	}

}

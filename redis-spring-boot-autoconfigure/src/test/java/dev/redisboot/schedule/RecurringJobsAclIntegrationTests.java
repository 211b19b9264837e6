package dev.redisboot.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.redisboot.schedule.ScheduleInstances.Scheduler;
import dev.redisboot.schedule.ScheduleInstances.SteppedClock;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.redisboot.schedule.ScheduleInstances.fixedRate;
import static dev.redisboot.schedule.ScheduleInstances.jobs;
import static dev.redisboot.schedule.ScheduleInstances.scheduler;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared recurring-job tests as the least-privilege user of a managed Redis
 * ({@code +@all -@dangerous ~* &*}), and a user whose key pattern leaves out the schedule
 * keys: refused (NOPERM), counted as failed, nothing thrown, and working once granted.
 */
@WithRedis(RedisTopology.ACL)
class RecurringJobsAclIntegrationTests extends AbstractRecurringJobsIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedAcl();
	}

	@Test
	void scheduleKeysOutsideTheUsersPatternAreCountedAsFailedUntilGranted() {
		String prefix = ScheduleInstances.newPrefix();
		String user = "schedules-" + prefix;
		StandaloneRedis redis = RedisDeployments.sharedAcl();
		redis.node().execute("ACL", "SETUSER", user, "on", ">secret-" + prefix, "resetkeys", "~" + prefix + ":stream:*",
				"&*", "+@all", "-@dangerous");
		AtomicReference<Instant> base = new AtomicReference<>(Instant.parse("2026-12-02T07:00:05Z"));
		try (ConfigurableApplicationContext a = ScheduleInstances.start(redis, prefix,
				"spring.data.redis.username=" + user, "spring.data.redis.password=secret-" + prefix,
				"redisboot.connection.check-at-startup=false")) {
			Scheduler one = scheduler(a, new SteppedClock(base, Duration.ZERO),
					List.of(fixedRate("refused", Duration.ofMinutes(1), MissedFires.SKIP)));
			one.scheduler().fireDue();
			base.set(base.get().plusSeconds(60));
			one.scheduler().fireDue();
			base.set(base.get().plusSeconds(5));
			one.scheduler().fireDue();
			assertThat(one.fires("refused", "failed")).as("once per fire time, however many retries").isOne();
			assertThat(jobs(a, "refused")).isZero();
			assertThat(one.scheduler().pause("refused")).isEmpty();
			assertThat(one.scheduler().schedule("refused").orElseThrow().paused()).as("unknown").isNull();
			redis.node().execute("ACL", "SETUSER", user, "~" + prefix + ":schedule:*");
			base.set(base.get().plusSeconds(5));
			one.scheduler().fireDue();
			assertThat(jobs(a, "refused")).as("07:01, 10 s late, still on time").isOne();
			assertThat(one.fires("refused", "enqueued")).isOne();
		}
		finally {
			redis.node().execute("ACL", "DELUSER", user);
		}
	}

}

package dev.redisboot.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.schedule.ScheduleInstances.Scheduler;
import dev.redisboot.schedule.ScheduleInstances.SteppedClock;
import dev.redisboot.test.RedisDeployment;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.redisboot.schedule.ScheduleInstances.cron;
import static dev.redisboot.schedule.ScheduleInstances.fixedRate;
import static dev.redisboot.schedule.ScheduleInstances.jobs;
import static dev.redisboot.schedule.ScheduleInstances.scheduler;
import static dev.redisboot.schedule.ScheduleInstances.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Recurring jobs between instances (application contexts, each with its own connection
 * factory, and schedulers of the tests' own with stepped, skewed clocks) on one Redis:
 * exactly one job per fire time, missed fire times after a full outage, pause, resume and
 * trigger through the endpoint, and hostile state. Run on several topologies by the
 * subclasses.
 */
abstract class AbstractRecurringJobsIntegrationTests {

	protected abstract RedisDeployment redis();

	@Test
	void threeInstancesWithSkewedClocksEnqueueExactlyOneJobPerFireTimeOfEverySchedule() throws Exception {
		String prefix = ScheduleInstances.newPrefix();
		Instant start = Instant.parse("2026-12-02T03:00:10Z");
		AtomicReference<Instant> base = new AtomicReference<>(start);
		List<RecurringJob> schedules = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			schedules.add(fixedRate("rate-15s-" + i, Duration.ofSeconds(15), MissedFires.SKIP));
			schedules.add(fixedRate("rate-30s-" + i, Duration.ofSeconds(30), MissedFires.RUN_ONCE));
			schedules.add(fixedRate("rate-1m-" + i, Duration.ofMinutes(1), MissedFires.SKIP));
			schedules.add(fixedRate("rate-2m-" + i, Duration.ofMinutes(2), MissedFires.RUN_ONCE));
		}
		schedules.add(cron("cron-new-york", "0 * * * * *", "America/New_York"));
		schedules.add(cron("cron-utc", "15 * * * * *", "UTC"));
		schedules.add(cron("cron-kolkata", "0 */2 * * * *", "Asia/Kolkata"));
		schedules.add(cron("cron-paris", "30 */3 * * * *", "Europe/Paris"));
		// fire times fall on :00, :15, :30 and :45; the base clock steps to :10 and :40, and no
		// instance's skew (-2 s to +3 s) reaches a fire time the others have not
		Duration[] skews = { Duration.ofSeconds(-2), Duration.ZERO, Duration.ofSeconds(3) };
		List<ConfigurableApplicationContext> instances = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(skews.length);
		try {
			List<Scheduler> schedulers = new ArrayList<>();
			for (Duration skew : skews) {
				ConfigurableApplicationContext instance = ScheduleInstances.start(redis(), prefix);
				instances.add(instance);
				schedulers.add(scheduler(instance, new SteppedClock(base, skew), schedules));
			}
			race(pool, schedulers);
			for (int step = 0; step < 40; step++) {
				base.set(base.get().plusSeconds(30));
				race(pool, schedulers);
			}
			Instant end = base.get();
			ConfigurableApplicationContext any = instances.get(0);
			long total = 0;
			for (RecurringJob schedule : schedules) {
				long expected = fireTimes(schedule, start, end);
				assertThat(jobs(any, schedule.jobType())).as("jobs of %s", schedule.name()).isEqualTo(expected);
				double enqueued = schedulers.stream().mapToDouble((s) -> s.fires(schedule.name(), "enqueued")).sum();
				assertThat(enqueued).as("enqueued counted for %s", schedule.name()).isEqualTo(expected);
				assertThat(state(any, schedule.name())).containsEntry("cursor",
						Long.toString(lastFireTime(schedule, start, end).toEpochMilli()));
				for (Scheduler scheduler : schedulers) {
					assertThat(scheduler.fires(schedule.name(), "failed")).isZero();
					assertThat(scheduler.fires(schedule.name(), "missed")).isZero();
				}
				total += expected;
			}
			assertThat(jobs(any)).hasSize((int) total);
			assertThat(total).as("20 minutes of 16 schedules").isGreaterThan(500);
			double duplicates = schedulers.stream()
				.mapToDouble((s) -> schedules.stream().mapToDouble((j) -> s.fires(j.name(), "duplicate")).sum())
				.sum();
			assertThat(duplicates).as("each fire time seen by the other two instances").isEqualTo(2.0 * total);
		}
		finally {
			pool.shutdownNow();
			instances.forEach(ConfigurableApplicationContext::close);
		}
	}

	@Test
	void fireTimesMissedDuringAFullOutageAreSkippedOrRunOnceAndCountedOnce() throws Exception {
		String prefix = ScheduleInstances.newPrefix();
		AtomicReference<Instant> base = new AtomicReference<>(Instant.parse("2026-12-02T04:00:20Z"));
		// a misfire threshold of 30 s: a fire time found later than that is missed
		List<RecurringJob> schedules = List.of(
				new RecurringJob("skipped", "skipped", FireTimes.fixedRate(Duration.ofMinutes(1), Instant.EPOCH), null,
						MissedFires.SKIP, Duration.ofSeconds(30)),
				new RecurringJob("caught-up", "caught-up", FireTimes.fixedRate(Duration.ofMinutes(1), Instant.EPOCH),
						null, MissedFires.RUN_ONCE, Duration.ofSeconds(30)));
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try (ConfigurableApplicationContext a = ScheduleInstances.start(redis(), prefix);
				ConfigurableApplicationContext b = ScheduleInstances.start(redis(), prefix)) {
			Scheduler before = scheduler(a, new SteppedClock(base, Duration.ZERO), schedules);
			before.scheduler().fireDue();
			base.set(base.get().plusSeconds(60));
			before.scheduler().fireDue();
			assertThat(jobs(a, "skipped")).isOne();
			assertThat(jobs(a, "caught-up")).isOne();
			// every instance stops; ten minutes later two start again (new schedulers, nothing in memory)
			base.set(base.get().plus(Duration.ofMinutes(10)));
			List<Scheduler> after = List.of(scheduler(a, new SteppedClock(base, Duration.ZERO), schedules),
					scheduler(b, new SteppedClock(base, Duration.ofSeconds(1)), schedules));
			race(pool, after);
			// 04:02 to 04:10 were missed; 04:11 (20 s ago) is on time
			assertThat(jobs(a, "skipped")).as("04:01 and 04:11").isEqualTo(2);
			assertThat(jobs(a, "caught-up")).as("04:01, one for 04:02-04:10, and 04:11").isEqualTo(3);
			for (String schedule : List.of("skipped", "caught-up")) {
				assertThat(after.stream().mapToDouble((s) -> s.fires(schedule, "missed")).sum())
					.as("missed fire times of %s, counted by one instance", schedule)
					.isEqualTo(9);
				assertThat(state(a, schedule)).containsEntry("cursor",
						Long.toString(Instant.parse("2026-12-02T04:11:00Z").toEpochMilli()));
			}
			assertThat(after.get(0).scheduler().schedule("caught-up").orElseThrow().lastFire())
				.isEqualTo(Instant.parse("2026-12-02T04:11:00Z"));
			// an outage whose last fire time is also past the misfire threshold: 04:16:55
			base.set(base.get().plus(Duration.ofMinutes(5)).plusSeconds(35));
			race(pool, after);
			assertThat(jobs(a, "skipped")).as("04:12-04:16 all missed").isEqualTo(2);
			assertThat(jobs(a, "caught-up")).as("one job for 04:12-04:16").isEqualTo(4);
			for (String schedule : List.of("skipped", "caught-up")) {
				assertThat(after.stream().mapToDouble((s) -> s.fires(schedule, "missed")).sum()).isEqualTo(14);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void theEndpointPausesResumesAndTriggersASchedule() {
		String prefix = ScheduleInstances.newPrefix();
		AtomicReference<Instant> base = new AtomicReference<>(Instant.parse("2026-12-02T05:00:05Z"));
		try (ConfigurableApplicationContext a = ScheduleInstances.start(redis(), prefix);
				ConfigurableApplicationContext b = ScheduleInstances.start(redis(), prefix)) {
			List<RecurringJob> schedules = List.of(fixedRate("report", Duration.ofMinutes(1), MissedFires.RUN_ONCE));
			Scheduler one = scheduler(a, new SteppedClock(base, Duration.ZERO), schedules);
			Scheduler other = scheduler(b, new SteppedClock(base, Duration.ZERO), schedules);
			SchedulesEndpoint endpoint = new SchedulesEndpoint(one.scheduler());
			one.scheduler().fireDue();
			other.scheduler().fireDue();
			assertThat(endpoint.change("report", "pause")).containsEntry("done", true).containsEntry("changed", true);
			assertThat(endpoint.change("report", "pause")).containsEntry("changed", false);
			base.set(base.get().plus(Duration.ofMinutes(3)));
			other.scheduler().fireDue();
			one.scheduler().fireDue();
			assertThat(jobs(a, "report")).as("paused on every instance").isZero();
			assertThat(one.fires("report", "skipped") + other.fires("report", "skipped")).isEqualTo(3);
			ScheduleInfo paused = endpoint.schedule("report");
			assertThat(paused).isNotNull();
			assertThat(paused.paused()).isTrue();
			assertThat(paused.nextFire()).isEqualTo(Instant.parse("2026-12-02T05:04:00Z"));
			assertThat(paused.type()).isEqualTo("fixed-rate");
			assertThat(paused.expression()).isEqualTo("PT1M");
			assertThat(one.registry().get("redisboot.schedule.paused").tag("schedule", "report").gauge().value())
				.isEqualTo(1);
			Map<String, Object> triggered = endpoint.change("report", "trigger");
			assertThat(triggered).containsEntry("done", true);
			assertThat(jobs(a, "report")).as("a trigger runs even while paused").isOne();
			assertThat(endpoint.schedule("report").lastJobId()).isEqualTo(triggered.get("jobId"));
			assertThat(endpoint.schedule("report").lastResult()).as("the triggered job's status")
				.isIn("queued", "running", "done");
			assertThat(endpoint.change("report", "resume")).containsEntry("changed", true);
			base.set(base.get().plus(Duration.ofMinutes(1)));
			one.scheduler().fireDue();
			other.scheduler().fireDue();
			assertThat(jobs(a, "report")).as("05:04 only: paused fire times are not caught up").isEqualTo(2);
			assertThat(endpoint.schedules()).singleElement()
				.satisfies((info) -> assertThat(info.paused()).isFalse())
				.satisfies((info) -> assertThat(info.lastFire()).isEqualTo(Instant.parse("2026-12-02T05:04:00Z")));
			assertThat(endpoint.change("unknown", "pause")).isNull();
			// over HTTP that is a 404, which the audit trail records as not-found
			SchedulesEndpointWebExtension web = new SchedulesEndpointWebExtension(endpoint);
			assertThat(web.change("unknown", "pause").getStatus()).isEqualTo(404);
			assertThat(web.change("report", "pause").getBody()).containsEntry("done", true);
			assertThat(web.change("report", "resume").getStatus()).isEqualTo(200);
			assertThat(endpoint.schedule("unknown")).isNull();
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.change("report", "delete"));
		}
	}

	@Test
	void hostileOrLostStateIsReplacedCountedAndNeverEnqueuesTwice() {
		String prefix = ScheduleInstances.newPrefix();
		AtomicReference<Instant> base = new AtomicReference<>(Instant.parse("2026-12-02T06:00:05Z"));
		try (ConfigurableApplicationContext a = ScheduleInstances.start(redis(), prefix)) {
			StringRedisTemplate redis = a.getBean(StringRedisTemplate.class);
			ScheduleKeys keys = new ScheduleKeys(a.getBean(RedisKeyNamer.class));
			redis.opsForValue().set(keys.key("as-string"), "\u0000garbage");
			redis.opsForList().leftPush(keys.key("as-list"), "x");
			redis.opsForHash().putAll(keys.key("bad-fields"),
					Map.of("cursor", "yesterday", "last-fire", "-1", "last-job", "{\"x\":1}", "paused", "yes"));
			List<RecurringJob> schedules = List.of(fixedRate("as-string", Duration.ofMinutes(1), MissedFires.SKIP),
					fixedRate("as-list", Duration.ofMinutes(1), MissedFires.SKIP),
					fixedRate("bad-fields", Duration.ofMinutes(1), MissedFires.RUN_ONCE));
			Scheduler one = scheduler(a, new SteppedClock(base, Duration.ZERO), schedules);
			one.scheduler().fireDue();
			base.set(base.get().plus(Duration.ofMinutes(1)));
			one.scheduler().fireDue();
			for (RecurringJob schedule : schedules) {
				assertThat(one.badState(schedule.name())).as("%s replaced", schedule.name()).isOne();
				assertThat(jobs(a, schedule.name())).as("%s at 06:01", schedule.name()).isOne();
				assertThat(one.fires(schedule.name(), "failed")).isZero();
			}
			assertThat(state(a, "bad-fields")).doesNotContainKey("paused");
			// the state is lost (deleted, or written over with another type) between fire times;
			// an instance behind by 50 s starts meanwhile, and knows nothing of 06:01
			redis.delete(keys.key("as-string"));
			redis.delete(keys.key("as-list"));
			redis.opsForSet().add(keys.key("as-list"), "member");
			Scheduler late = scheduler(a, new SteppedClock(base, Duration.ofSeconds(-50)), schedules);
			late.scheduler().fireDue();
			assertThat(late.badState("as-list")).isOne();
			base.set(base.get().plus(Duration.ofSeconds(50)));
			late.scheduler().fireDue();
			one.scheduler().fireDue();
			for (RecurringJob schedule : schedules) {
				assertThat(jobs(a, schedule.name())).as("%s: 06:01 once", schedule.name()).isOne();
			}
			assertThat(late.fires("as-string", "duplicate")).as("the job id check refused 06:01 again").isOne();
			base.set(base.get().plus(Duration.ofSeconds(30)));
			late.scheduler().fireDue();
			one.scheduler().fireDue();
			for (RecurringJob schedule : schedules) {
				assertThat(jobs(a, schedule.name())).as("%s: 06:01 and 06:02", schedule.name()).isEqualTo(2);
			}
		}
	}

	/**
	 * The schedules' key names.
	 */
	record ScheduleKeys(RedisKeyNamer keyNamer) {

		String key(String schedule) {
			return this.keyNamer.hashTaggedKey("schedule", schedule);
		}

	}

	static void race(ExecutorService pool, List<Scheduler> schedulers) throws Exception {
		CountDownLatch gate = new CountDownLatch(1);
		List<Future<?>> done = new ArrayList<>();
		for (Scheduler scheduler : schedulers) {
			done.add(pool.submit(() -> {
				gate.await();
				scheduler.scheduler().fireDue();
				return null;
			}));
		}
		gate.countDown();
		for (Future<?> future : done) {
			future.get(30, TimeUnit.SECONDS);
		}
	}

	static long fireTimes(RecurringJob schedule, Instant after, Instant until) {
		long count = 0;
		for (Instant fire = schedule.fireTimes().next(after); !fire.isAfter(until); fire = schedule.fireTimes()
			.next(fire)) {
			count++;
		}
		return count;
	}

	static Instant lastFireTime(RecurringJob schedule, Instant after, Instant until) {
		Instant last = after;
		for (Instant fire = schedule.fireTimes().next(after); !fire.isAfter(until); fire = schedule.fireTimes()
			.next(fire)) {
			last = fire;
		}
		return last;
	}

}

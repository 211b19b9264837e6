package dev.redisboot.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.lock.DistributedLocks;
import dev.redisboot.lock.LockLease;
import dev.redisboot.schedule.ScheduleInstances.Scheduler;
import dev.redisboot.schedule.ScheduleInstances.SteppedClock;
import dev.redisboot.stream.JobHandler;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.JobState;
import dev.redisboot.stream.JobStatus;
import dev.redisboot.stream.StreamDelivery;
import dev.redisboot.stream.StreamKeys;
import dev.redisboot.test.ClusterRedis;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.RedisTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.redisboot.schedule.AbstractRecurringJobsIntegrationTests.fireTimes;
import static dev.redisboot.schedule.AbstractRecurringJobsIntegrationTests.race;
import static dev.redisboot.schedule.ScheduleInstances.scheduler;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three instances racing for every fire time of four schedules, with handlers running the
 * jobs, while an operator reshards a cluster of the test's own: the slot of the jobs
 * stream's hash tag ({@code {jobs}}: stream, idempotency keys, status records, and a lock
 * named {@code jobs}), then the slot of each schedule's state in turn, each moved to another
 * primary as {@code redis-cli --cluster reshard} does it ({@code CLUSTER SETSLOT IMPORTING}
 * and {@code MIGRATING}, {@code GETKEYSINSLOT} and {@code MIGRATE ... KEYS} in batches of 10,
 * then {@code SETSLOT NODE} on every primary). While the keys of a slot are split between
 * the two nodes, Redis answers {@code TRYAGAIN} to every script over several keys of it
 * (an enqueue, a job's start and completion, a lock's acquisition); Lettuce follows
 * {@code ASK} and {@code MOVED} by itself.
 */
class RecurringJobsSlotMoveIntegrationTests {

	private static final Log logger = LogFactory.getLog(RecurringJobsSlotMoveIntegrationTests.class);

	private static final String JOB_TYPE = "slot-move";

	private static final String HELD_JOB_TYPE = "slot-move-held";

	@Test
	void oneJobPerFireTimeRunOnceWhileTheJobsAndScheduleSlotsMoveBetweenPrimaries() throws Exception {
		String prefix = ScheduleInstances.newPrefix();
		Instant start = Instant.parse("2026-12-02T12:00:05Z");
		AtomicReference<Instant> base = new AtomicReference<>(start);
		List<RecurringJob> schedules = new ArrayList<>();
		for (String name : List.of("slot-a", "slot-b", "slot-c", "slot-d")) {
			// a threshold no move reaches: every fire time that fails during a move is retried
			schedules.add(new RecurringJob(name, JOB_TYPE, FireTimes.fixedRate(Duration.ofSeconds(15), Instant.EPOCH),
					Map.of("schedule", name), name.endsWith("a") || name.endsWith("c") ? MissedFires.SKIP
							: MissedFires.RUN_ONCE,
					Duration.ofHours(1)));
		}
		Duration[] skews = { Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(-1) };
		List<ConfigurableApplicationContext> instances = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(skews.length + 1);
		ClusterRedis cluster = (ClusterRedis) RedisDeployments.start(RedisTopology.CLUSTER);
		try {
			List<Scheduler> schedulers = new ArrayList<>();
			for (Duration skew : skews) {
				ConfigurableApplicationContext instance = start(cluster, prefix);
				instances.add(instance);
				schedulers.add(scheduler(instance, new SteppedClock(base, skew), schedules, Duration.ofSeconds(5)));
			}
			ConfigurableApplicationContext any = instances.get(0);
			RedisKeyNamer keyNamer = any.getBean(RedisKeyNamer.class);
			DistributedLocks locks = any.getBean(DistributedLocks.class);
			String streamKey = any.getBean(StreamKeys.class).streamKey("jobs");
			assertThat(cluster.slotOf(keyNamer.hashTaggedKey("lock", "jobs"))).isEqualTo(cluster.slotOf(streamKey));
			for (int round = 0; round < 20; round++) {
				step(base, pool, schedulers);
			}
			// as many keys in the slot as a busy jobs stream leaves (idempotency keys, status records)
			Map<String, String> filler = new HashMap<>();
			for (int i = 0; i < 2000; i++) {
				filler.put(keyNamer.hashTaggedKey("filler", "jobs", Integer.toString(i)), "x");
			}
			any.getBean(StringRedisTemplate.class).opsForValue().multiSet(filler);
			// jobs in hand when the move starts, finished while the slot's keys are split
			JobQueue queue = any.getBean(JobQueue.class);
			List<String> held = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				held.add(queue.enqueue(HELD_JOB_TYPE, Map.of("held", i)));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> holding(instances) > 0);
			Map<String, Long> errorsBefore = errorStats(cluster);
			List<String> moved = new ArrayList<>(List.of(streamKey));
			schedules.forEach((schedule) -> moved.add(keyNamer.hashTaggedKey("schedule", schedule.name())));
			int locksDuring = 0;
			int locksRefusedDuring = 0;
			for (String key : moved) {
				RedisNode from = cluster.primaryFor(key);
				RedisNode to = cluster.primaries().stream().filter((node) -> node != from).findFirst().orElseThrow();
				int slot = cluster.slotOf(key);
				CompletableFuture<Move> move = CompletableFuture
					.supplyAsync(() -> move(cluster, slot, from, to, () -> release(instances)), pool);
				int rounds = 0;
				while (!move.isDone() || rounds == 0) {
					// eight fire times of each schedule per round: the instances' enqueues meet the split keys
					base.set(base.get().plus(Duration.ofMinutes(2)));
					race(pool, schedulers);
					rounds++;
					if (slot == cluster.slotOf(streamKey)) {
						Optional<LockLease> lease = locks.tryAcquire("jobs", Duration.ofSeconds(30));
						lease.ifPresent(LockLease::close);
						locksDuring++;
						locksRefusedDuring += lease.isPresent() ? 0 : 1;
					}
				}
				Move done = move.join();
				assertThat(cluster.primaryFor(key)).as("slot %d now on %s", slot, to).isSameAs(to);
				logger.info("Moved slot " + slot + " (" + key + ", " + done.keys() + " keys in " + done.batches()
						+ " batches) from " + from + " to " + to + " in " + done.took().toMillis() + " ms, during "
						+ rounds + " rounds of the schedulers");
			}
			for (int round = 0; round < 4; round++) {
				step(base, pool, schedulers);
			}
			Instant end = base.get();
			// fire times that failed (a retry is due on some instance) are handled in the next steps
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				boolean handled = schedulers.stream()
					.allMatch((s) -> schedules.stream()
						.allMatch((j) -> s.scheduler().nextFireTime(j.name()).orElseThrow().isAfter(end)));
				if (!handled) {
					race(pool, schedulers);
				}
				return handled;
			});
			Map<String, Long> errors = new LinkedHashMap<>(errorStats(cluster));
			errors.replaceAll((reply, count) -> count - errorsBefore.getOrDefault(reply, 0L));
			errors.values().removeIf((count) -> count == 0);
			Map<String, List<String>> jobIds = jobIds(any, streamKey);
			double failed = 0;
			for (RecurringJob schedule : schedules) {
				long expected = fireTimes(schedule, start, end);
				assertThat(jobIds.get(schedule.name())).as("jobs of %s", schedule.name()).hasSize((int) expected);
				assertThat(schedulers.stream().mapToDouble((s) -> s.fires(schedule.name(), "enqueued")).sum())
					.as("enqueued counted for %s", schedule.name())
					.isEqualTo(expected);
				assertThat(schedulers.stream().mapToDouble((s) -> s.fires(schedule.name(), "missed")).sum()).isZero();
				failed += schedulers.stream().mapToDouble((s) -> s.fires(schedule.name(), "failed")).sum();
			}
			List<String> fired = jobIds.entrySet()
				.stream()
				.filter((entry) -> !entry.getKey().equals(HELD_JOB_TYPE))
				.map(Map.Entry::getValue)
				.flatMap(List::stream)
				.toList();
			List<String> entries = jobIds.values().stream().flatMap(List::stream).toList();
			assertThat(fired).doesNotHaveDuplicates().hasSizeGreaterThan(100);
			assertThat(entries).hasSize(fired.size() + held.size());
			List<String> every = new ArrayList<>(fired);
			every.addAll(held);
			// every job ran once, on some instance, and its status says so
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				Map<String, Integer> runs = runs(instances);
				assertThat(runs.keySet()).containsExactlyInAnyOrderElementsOf(every);
				assertThat(runs.values()).allMatch((count) -> count == 1);
			});
			for (String jobId : every) {
				assertThat(queue.status(jobId)).as("status of %s", jobId)
					.map(JobStatus::state)
					.contains(JobState.DONE);
			}
			// a lock whose key and fencing counter moved with the slot
			try (LockLease first = locks.tryAcquire("jobs", Duration.ofSeconds(30)).orElseThrow()) {
				assertThat(instances.get(1).getBean(DistributedLocks.class).tryAcquire("jobs", Duration.ofSeconds(30)))
					.isEmpty();
				assertThat(first.isHeld()).isTrue();
			}
			try (LockLease second = instances.get(2)
				.getBean(DistributedLocks.class)
				.tryAcquire("jobs", Duration.ofSeconds(30))
				.orElseThrow()) {
				assertThat(second.fencingToken()).isPositive();
			}
			logger.info("Slot moves: " + every.size() + " jobs, " + failed + " fire times failed (retried), locks "
					+ (locksDuring - locksRefusedDuring) + " of " + locksDuring
					+ " taken during the jobs slot's move; replies of the primaries during the moves: " + errors);
		}
		finally {
			pool.shutdownNow();
			// the instances first: their consumers would wait for a cluster that is gone
			instances.forEach(ConfigurableApplicationContext::close);
			cluster.close();
		}
	}

	private static void step(AtomicReference<Instant> base, ExecutorService pool, List<Scheduler> schedulers)
			throws Exception {
		base.set(base.get().plusSeconds(15));
		race(pool, schedulers);
	}

	/**
	 * Moves a slot with its keys from one primary to another, as an operator (or
	 * {@code redis-cli --cluster reshard}) does.
	 */
	private static Move move(ClusterRedis cluster, int slot, RedisNode from, RedisNode to, Runnable halfway) {
		long started = System.nanoTime();
		String fromId = String.valueOf(from.execute("CLUSTER", "MYID"));
		String toId = String.valueOf(to.execute("CLUSTER", "MYID"));
		String number = Integer.toString(slot);
		to.execute("CLUSTER", "SETSLOT", number, "IMPORTING", fromId);
		from.execute("CLUSTER", "SETSLOT", number, "MIGRATING", toId);
		int keys = 0;
		int batches = 0;
		long total = (Long) from.execute("CLUSTER", "COUNTKEYSINSLOT", number);
		while (true) {
			if (keys >= total / 2) {
				halfway.run();
			}
			List<?> batch = (List<?>) from.execute("CLUSTER", "GETKEYSINSLOT", number, "10");
			if (batch == null || batch.isEmpty()) {
				break;
			}
			List<String> command = new ArrayList<>(List.of("MIGRATE", to.host(), Integer.toString(to.port()), "", "0",
					"5000", "KEYS"));
			batch.forEach((key) -> command.add(String.valueOf(key)));
			from.execute(command.toArray(String[]::new));
			keys += batch.size();
			batches++;
		}
		// the new owner first, so that the slot is never without one
		to.execute("CLUSTER", "SETSLOT", number, "NODE", toId);
		from.execute("CLUSTER", "SETSLOT", number, "NODE", toId);
		for (RedisNode primary : cluster.primaries()) {
			if (primary != from && primary != to) {
				primary.execute("CLUSTER", "SETSLOT", number, "NODE", toId);
			}
		}
		return new Move(keys, batches, Duration.ofNanos(System.nanoTime() - started));
	}

	/**
	 * Error replies the primaries sent, by kind ({@code INFO errorstats}).
	 */
	private static Map<String, Long> errorStats(ClusterRedis cluster) {
		Map<String, Long> counts = new HashMap<>();
		for (RedisNode primary : cluster.primaries()) {
			for (String line : String.valueOf(primary.execute("INFO", "errorstats")).split("\r?\n")) {
				if (line.startsWith("errorstat_")) {
					String reply = line.substring("errorstat_".length(), line.indexOf(':'));
					long count = Long.parseLong(line.substring(line.indexOf("count=") + 6));
					counts.merge(reply, count, Long::sum);
				}
			}
			for (String line : String.valueOf(primary.execute("INFO", "commandstats")).split("\r?\n")) {
				for (String kind : List.of("rejected_calls=", "failed_calls=")) {
					int at = line.indexOf(kind);
					if (line.startsWith("cmdstat_") && at > 0) {
						String command = line.substring("cmdstat_".length(), line.indexOf(':'));
						long count = Long.parseLong(line.substring(at + kind.length()).split(",")[0]);
						if (count > 0) {
							counts.merge(kind.substring(0, kind.indexOf('_')) + " " + command, count, Long::sum);
						}
					}
				}
			}
		}
		return counts;
	}

	private static Map<String, List<String>> jobIds(ConfigurableApplicationContext context, String streamKey) {
		List<MapRecord<String, Object, Object>> records = context.getBean(StringRedisTemplate.class)
			.opsForStream()
			.range(streamKey, Range.unbounded());
		Map<String, List<String>> ids = new HashMap<>();
		if (records == null) {
			return ids;
		}
		for (MapRecord<String, Object, Object> record : records) {
			String payload = String.valueOf(record.getValue().get("payload"));
			String schedule = HELD_JOB_TYPE.equals(record.getValue().get("type")) ? HELD_JOB_TYPE
					: payload.replaceAll(".*\"schedule\":\"([^\"]+)\".*", "$1");
			ids.computeIfAbsent(schedule, (key) -> new ArrayList<>()).add(String.valueOf(record.getValue().get("job")));
		}
		return ids;
	}

	private static int holding(List<ConfigurableApplicationContext> instances) {
		return instances.stream().mapToInt((instance) -> instance.getBean(Runs.class).holding.get()).sum();
	}

	private static void release(List<ConfigurableApplicationContext> instances) {
		instances.forEach((instance) -> instance.getBean(Runs.class).release.countDown());
	}

	private static Map<String, Integer> runs(List<ConfigurableApplicationContext> instances) {
		Map<String, Integer> runs = new HashMap<>();
		for (ConfigurableApplicationContext instance : instances) {
			instance.getBean(Runs.class).byJob.forEach((job, count) -> runs.merge(job, count.get(), Integer::sum));
		}
		return runs;
	}

	private static ConfigurableApplicationContext start(ClusterRedis cluster, String prefix) {
		List<String> properties = new ArrayList<>(List.of(cluster.propertyValues()));
		properties.add("redisboot.key-prefix=" + prefix);
		properties.add("spring.main.banner-mode=off");
		properties.add("redisboot.cache.enabled=false");
		properties.add("redisboot.stream.shutdown-timeout=500ms");
		properties.add("redisboot.stream.timeout=5s");
		properties.add("redisboot.lock.timeout=5s");
		return new SpringApplicationBuilder(SlotMoveApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	/**
	 * How a slot move went.
	 */
	record Move(int keys, int batches, Duration took) {
	}

	/**
	 * Records the jobs it ran; held jobs wait for {@link #release} first, so that they are in
	 * hand while a slot moves.
	 */
	static class Runs {

		final Map<String, AtomicInteger> byJob = new ConcurrentHashMap<>();

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger holding = new AtomicInteger();

		@JobHandler(HELD_JOB_TYPE)
		void hold(Map<String, Object> payload, StreamDelivery delivery) throws InterruptedException {
			this.holding.incrementAndGet();
			this.release.await(30, TimeUnit.SECONDS);
			run(payload, delivery);
		}

		@JobHandler(JOB_TYPE)
		void run(Map<String, Object> payload, StreamDelivery delivery) {
			this.byJob.computeIfAbsent(String.valueOf(delivery.jobId()), (key) -> new AtomicInteger())
				.incrementAndGet();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class SlotMoveApplication {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		Runs runs() {
			return new Runs();
		}

	}

}

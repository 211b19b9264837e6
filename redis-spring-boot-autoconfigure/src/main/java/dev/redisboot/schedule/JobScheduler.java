package dev.redisboot.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.stream.JobQueue;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Enqueues recurring jobs through the {@link JobQueue}, exactly one job per fire time across
 * all instances that run the same schedules on the same Redis.
 * <p>
 * How: fire times come from the schedule alone ({@link FireTimes}), so every instance
 * races for the same instants. A job is enqueued under the idempotency key
 * {@code schedule:<name>:<fire time in ms>}, whose check and {@code XADD} are one script, so
 * whichever instances race, one enqueues and the others find a duplicate. A cursor in
 * {@code [prefix:]schedule:{name}} (the last fire time handled, only ever moved forward)
 * lets late instances skip the race, and lets the first instance back after a full outage
 * see the fire times missed and apply the {@link MissedFires} policy. A paused flag there
 * stops a schedule on every instance.
 * <p>
 * One thread per scheduler ({@code redisboot-schedules}) sleeps until the earliest next
 * fire time (at most 30 s, so that a clock set back or forward is noticed), never polls.
 * When Redis cannot be asked, each fire time due meanwhile is counted as {@code failed} once
 * (however many retries), the outage is logged at most once a minute, and the schedule is
 * retried after a back-off from 1 s to 30 s (one timeout per round for all schedules); fire
 * times whose misfire threshold passed meanwhile are missed and follow the policy. Nothing
 * is thrown.
 * <p>
 * The guarantees, precisely, are in docs/scheduling.md ("Recurring jobs").
 *
 * @author redisboot
 */
public final class JobScheduler implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(JobScheduler.class);

	private static final long MAX_SLEEP_MILLIS = 30_000;

	private static final long FIRST_RETRY_MILLIS = 1_000;

	private final JobQueue jobs;

	private final ScheduleStore store;

	private final ScheduleMetrics metrics;

	private final Clock clock;

	private final Map<String, Entry> entries = new LinkedHashMap<>();

	private final ScheduleProblems problems = new ScheduleProblems(logger);

	private @Nullable ScheduledThreadPoolExecutor executor;

	private @Nullable ScheduledFuture<?> wake;

	private @Nullable Instant startedAt;

	/**
	 * Creates a scheduler; {@link #start()} starts its thread.
	 * @param jobs the queue the jobs are enqueued in
	 * @param commands runs the state scripts; its timeout bounds each call
	 * @param keyNamer names the state keys, under the key prefix
	 * @param schedules the schedules, with distinct names
	 * @param metrics the metrics
	 * @param clock the clock fire times are compared with
	 */
	public JobScheduler(JobQueue jobs, LettuceCommands commands, RedisKeyNamer keyNamer, List<RecurringJob> schedules,
			ScheduleMetrics metrics, Clock clock) {
		this.jobs = jobs;
		this.store = new ScheduleStore(commands, keyNamer);
		this.metrics = metrics;
		this.clock = clock;
		for (RecurringJob schedule : schedules) {
			if (this.entries.put(schedule.name(), new Entry(schedule)) != null) {
				throw new IllegalArgumentException("Two schedules are named '" + schedule.name() + "'");
			}
			metrics.declared(schedule.name());
		}
	}

	/**
	 * Returns every schedule with its next fire time and state (one script call each).
	 * @return the schedules, in declaration order
	 */
	public List<ScheduleInfo> schedules() {
		List<ScheduleInfo> infos = new ArrayList<>();
		for (String name : this.entries.keySet()) {
			schedule(name).ifPresent(infos::add);
		}
		return infos;
	}

	/**
	 * Returns one schedule with its next fire time and its state in Redis. When Redis cannot
	 * be asked, the state is left {@code null}.
	 * @param name the schedule's name
	 * @return the schedule, or empty if there is none of that name
	 */
	public Optional<ScheduleInfo> schedule(String name) {
		Entry entry = this.entries.get(name);
		if (entry == null) {
			return Optional.empty();
		}
		ScheduleStore.State state = null;
		try {
			state = readState(name);
		}
		catch (RuntimeException ex) {
			this.problems.failed("read", name, ex);
		}
		String lastJobId = (state != null) ? state.lastJobId() : null;
		String lastResult = (lastJobId != null) ? this.jobs.status(lastJobId)
			.map((status) -> status.state().name().toLowerCase(Locale.ROOT))
			.orElse(null) : null;
		return Optional.of(ScheduleInfo.of(entry.job, nextFireTime(name).orElse(null), state, lastResult));
	}

	boolean has(String name) {
		return this.entries.containsKey(name);
	}

	/**
	 * Returns a schedule's next fire time, as this instance sees it.
	 * @param name the schedule's name
	 * @return the next fire time, or empty if there is no such schedule or it never fires
	 * again
	 */
	public Optional<Instant> nextFireTime(String name) {
		Entry entry = this.entries.get(name);
		if (entry == null) {
			return Optional.empty();
		}
		synchronized (this) {
			Instant next = entry.next;
			return Optional.ofNullable((next != null) ? next : entry.job.fireTimes().next(this.clock.instant()));
		}
	}

	/**
	 * Pauses a schedule on every instance: its fire times are counted as {@code skipped}
	 * until it is resumed, and are not run afterwards.
	 * @param name the schedule's name
	 * @return whether it was running before, or empty if there is no such schedule or Redis
	 * could not be asked
	 */
	public Optional<Boolean> pause(String name) {
		return setPaused(name, true);
	}

	/**
	 * Resumes a paused schedule on every instance, from its next fire time.
	 * @param name the schedule's name
	 * @return whether it was paused before, or empty if there is no such schedule or Redis
	 * could not be asked
	 */
	public Optional<Boolean> resume(String name) {
		return setPaused(name, false);
	}

	private Optional<Boolean> setPaused(String name, boolean paused) {
		if (!this.entries.containsKey(name)) {
			return Optional.empty();
		}
		try {
			ScheduleStore.Advanced changed = this.store.pause(name, paused);
			badState(name, changed.replaced());
			this.metrics.paused(name, paused);
			logger.info("Schedule '" + name + "' " + (paused ? "paused" : "resumed")
					+ (changed.changed() ? "" : " already"));
			return Optional.of(changed.changed());
		}
		catch (RuntimeException ex) {
			this.problems.failed(paused ? "pause" : "resume", name, ex);
			return Optional.empty();
		}
	}

	/**
	 * Enqueues a schedule's job now, whether it is paused or not, without changing its fire
	 * times.
	 * @param name the schedule's name
	 * @return the job's id, or empty if there is no such schedule or Redis could not be asked
	 */
	public Optional<String> trigger(String name) {
		Entry entry = this.entries.get(name);
		if (entry == null) {
			return Optional.empty();
		}
		try {
			Instant now = this.clock.instant();
			String jobId = this.jobs.enqueue(entry.job.jobType(), entry.job.payload());
			this.metrics.fired(name, "enqueued", 1);
			badState(name, this.store.advance(name, null, now, jobId).replaced());
			logger.info("Schedule '" + name + "' triggered: job " + jobId);
			return Optional.of(jobId);
		}
		catch (RuntimeException ex) {
			this.problems.failed("trigger", name, ex);
			return Optional.empty();
		}
	}

	/**
	 * Handles every schedule whose fire time (or retry) is due on the scheduler's clock now.
	 * The scheduler's thread calls it; a test or benchmark that steps a clock of its own may
	 * call it instead of {@link #start()}.
	 */
	public synchronized void fireDue() {
		if (this.startedAt == null) {
			begin();
		}
		Instant now = this.clock.instant();
		RuntimeException unavailable = null;
		for (Entry entry : this.entries.values()) {
			Instant due = entry.dueAt();
			if (due == null || !due.isAfter(now)) {
				if (unavailable != null) {
					// one timeout per round while Redis is down, not one per schedule
					retryLater(entry, now, unavailable);
				}
				else {
					unavailable = handle(entry, now);
				}
			}
		}
	}

	/**
	 * Handles a schedule's due fire times.
	 * @return the exception when Redis was unavailable, else {@code null}
	 */
	private @Nullable RuntimeException handle(Entry entry, Instant now) {
		RecurringJob job = entry.job;
		String name = job.name();
		try {
			ScheduleStore.State state = readState(name);
			this.metrics.paused(name, state.paused());
			Instant cursor = cursor(entry, state);
			DueFireTimes due = DueFireTimes.between(job.fireTimes(), cursor, now, job.misfireThreshold());
			Instant latest = due.latest();
			if (latest == null) {
				Instant expected = entry.next;
				if (expected != null && !expected.isAfter(now)) {
					// this instance expected fire times that another one handled already
					Instant until = cursor.isBefore(now) ? cursor : now;
					long seen = DueFireTimes
						.between(job.fireTimes(), expected.minusMillis(1), until, job.misfireThreshold())
						.count();
					this.metrics.fired(name, "duplicate", Math.max(1, seen));
				}
				settle(entry, cursor, now);
				return null;
			}
			if (state.paused()) {
				ScheduleStore.Advanced advanced = this.store.advance(name, latest, null, null);
				badState(name, advanced.replaced());
				if (advanced.changed()) {
					this.metrics.fired(name, "skipped", due.count());
				}
				settle(entry, latest, now);
				return null;
			}
			Instant enqueuedFire = null;
			String jobId = null;
			Instant lastMissed = due.lastMissed();
			if (lastMissed != null && job.missedFires() == MissedFires.RUN_ONCE) {
				jobId = enqueue(job, lastMissed, now);
				enqueuedFire = (jobId != null) ? lastMissed : null;
			}
			for (Instant fire : due.onTime()) {
				String enqueued = enqueue(job, fire, now);
				if (enqueued != null) {
					jobId = enqueued;
					enqueuedFire = fire;
				}
			}
			if (jobId == null && due.missed() == 0) {
				// every job was another instance's, which moves the cursor: one call less per loser
				settle(entry, latest, now);
				return null;
			}
			ScheduleStore.Advanced advanced = this.store.advance(name, latest, enqueuedFire, jobId);
			badState(name, advanced.replaced());
			if (advanced.changed() && due.missed() > 0) {
				// counted by the one instance that moved the cursor over them
				this.metrics.fired(name, "missed", due.missed());
				this.problems.missed(name, due, job.missedFires());
			}
			settle(entry, latest, now);
		}
		catch (RuntimeException ex) {
			retryLater(entry, now, ex);
			return (ex instanceof RedisCommandException redis && redis.isRedisUnavailable()) ? ex : null;
		}
		return null;
	}

	private void retryLater(Entry entry, Instant now, RuntimeException ex) {
		// each fire time that came due while Redis could not be asked counts once, however
		// many retries it takes
		Instant counted = entry.failedThrough;
		if (counted == null) {
			counted = (entry.next != null) ? entry.next.minusMillis(1) : now;
		}
		DueFireTimes due = DueFireTimes.between(entry.job.fireTimes(), counted, now, entry.job.misfireThreshold());
		Instant latest = due.latest();
		if (latest != null) {
			this.metrics.fired(entry.job.name(), "failed", due.count());
			counted = latest;
		}
		entry.failedThrough = counted;
		this.problems.failed("enqueue", entry.job.name(), ex);
		entry.failures++;
		long backoff = Math.min(FIRST_RETRY_MILLIS << Math.min(entry.failures - 1, 5), MAX_SLEEP_MILLIS);
		entry.retryAt = now.plusMillis(backoff);
	}

	/**
	 * Enqueues the job of one fire time, once across instances.
	 * @return the job id, or {@code null} for a duplicate
	 */
	private @Nullable String enqueue(RecurringJob job, Instant fireTime, Instant now) {
		Optional<String> jobId = this.jobs.enqueueIfAbsent(job.jobType(), job.payload(),
				"schedule:" + job.name() + ":" + fireTime.toEpochMilli());
		if (jobId.isPresent()) {
			this.metrics.fired(job.name(), "enqueued", 1);
			this.metrics.enqueuedLate(job.name(), Duration.between(fireTime, now));
			return jobId.get();
		}
		this.metrics.fired(job.name(), "duplicate", 1);
		return null;
	}

	/**
	 * Returns the last fire time handled: Redis's cursor when there is one, even behind what
	 * this instance handled (a failover lost the last writes, job included: at the next fire
	 * time, the fire times after it follow the missed-fires policy, their idempotency keys
	 * refusing those that survived); without one (a first start, or the state was deleted),
	 * what this instance handled, or its start.
	 */
	private Instant cursor(Entry entry, ScheduleStore.State state) {
		Instant cursor = state.cursor();
		if (cursor != null) {
			return cursor;
		}
		Instant started = (this.startedAt != null) ? this.startedAt : this.clock.instant();
		Instant handled = entry.handled;
		return (handled != null && handled.isAfter(started)) ? handled : started;
	}

	private void settle(Entry entry, Instant handled, Instant now) {
		entry.handled = handled;
		entry.next = entry.job.fireTimes().next(handled.isAfter(now) ? handled : now);
		entry.failures = 0;
		entry.failedThrough = null;
		entry.retryAt = null;
	}

	private ScheduleStore.State readState(String name) {
		ScheduleStore.State state = this.store.read(name);
		badState(name, state.replaced());
		return state;
	}

	private void badState(String name, boolean replaced) {
		if (replaced) {
			this.metrics.badState(name);
			this.problems.badState(name, this.store.key(name));
		}
	}

	private void run() {
		try {
			fireDue();
		}
		catch (RuntimeException ex) {
			this.problems.failed("loop", "every schedule", ex);
		}
		finally {
			scheduleWake();
		}
	}

	private synchronized void scheduleWake() {
		ScheduledThreadPoolExecutor current = this.executor;
		if (current == null || current.isShutdown()) {
			return;
		}
		long now = this.clock.millis();
		long delay = MAX_SLEEP_MILLIS;
		for (Entry entry : this.entries.values()) {
			Instant due = entry.dueAt();
			if (due == null) {
				delay = 0;
				break;
			}
			if (due != Instant.MAX) {
				delay = Math.min(delay, Math.max(1, due.toEpochMilli() - now));
			}
		}
		this.wake = current.schedule(this::run, delay, TimeUnit.MILLISECONDS);
	}

	/** Takes the start time: on a first start, fire times after it are the first enqueued. */
	synchronized void begin() {
		this.startedAt = this.clock.instant();
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		begin();
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "redisboot-schedules");
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		this.executor = executor;
		if (!this.entries.isEmpty()) {
			this.wake = executor.schedule(this::run, 0, TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public void stop() {
		ScheduledThreadPoolExecutor current;
		synchronized (this) {
			current = this.executor;
			this.executor = null;
			if (this.wake != null) {
				this.wake.cancel(false);
			}
		}
		if (current != null) {
			current.shutdownNow(); // a round in progress ends with its Redis call's timeout
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

	@Override
	public String toString() {
		return "JobScheduler" + this.entries.keySet();
	}

	/**
	 * A schedule and where this instance is in it.
	 */
	private static final class Entry {

		private final RecurringJob job;

		/** The last fire time handled here, {@code null} before the first. */
		private @Nullable Instant handled;

		/** The next fire time, {@code null} before the first check (due at once). */
		private @Nullable Instant next;
		private @Nullable Instant retryAt;

		/** The last fire time counted as failed in the current run of failures. */
		private @Nullable Instant failedThrough;

		private int failures; // in a row

		Entry(RecurringJob job) {
			this.job = job;
		}

		/**
		 * Returns when the schedule is due here: {@code null} before its first check (at
		 * once), {@link Instant#MAX} once it never fires again (a cron of past dates only).
		 */
		@Nullable Instant dueAt() {
			return (this.retryAt != null) ? this.retryAt
					: (this.next != null) ? this.next : (this.handled != null) ? Instant.MAX : null;
		}

	}

}

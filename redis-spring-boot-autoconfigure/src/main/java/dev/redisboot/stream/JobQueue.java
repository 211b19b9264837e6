package dev.redisboot.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisCommandException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Enqueues background jobs for {@link JobHandler} methods on any instance: an entry in the
 * jobs stream (by default {@code [prefix:]stream:{jobs}}) with the job's type, id and JSON
 * payload. Delayed jobs wait in a sorted set and are moved into the stream atomically when
 * due. With an idempotency key, a job is enqueued at most once per key within
 * {@code redisboot.jobs.idempotency-ttl}; the key is stored only as a digest
 * ({@code redisboot.key-digest-secret}), so it may hold a user id or an e-mail address. A
 * record under the key that is not a job id (garbage, another Redis type) is replaced and
 * counted ({@code redisboot.stream.faults{cause=idempotency-record}}).
 * <p>
 * With status tracking ({@code redisboot.jobs.status-tracking}, on by default) every job
 * has a status record that the scripts which enqueue, start, acknowledge and fail it write
 * in the same round trips ({@link #status}); a job can be cancelled ({@link #cancel}), and
 * enqueued only while no job with the same unique key is unfinished
 * ({@link #enqueueUnique}).
 * <p>
 * Every call goes through the producers' circuit breaker (shared with
 * {@link StreamPublisher}): after consecutive calls that found Redis unavailable it stops
 * calling Redis for a while, and every enqueue and {@link #cancel} then throws an unavailable
 * {@link RedisCommandException} at once, and {@link #status} is empty at once, each counted as
 * {@code short-circuited}, instead of each waiting for {@code redisboot.stream.timeout}; one
 * call at a time then probes whether Redis is back. The consumers' reads, acknowledgements
 * and retries do not go through it: a consumer backs off and reads again by itself, and its
 * waits never open the producers' breaker.
 *
 * @author redisboot
 */
public final class JobQueue {

	private static final Log logger = LogFactory.getLog(JobQueue.class);

	/**
	 * The status record of a lookup the circuit breaker did not let through (compared by
	 * identity).
	 */
	private static final Map<String, String> SHORT_CIRCUITED = Collections.unmodifiableMap(new LinkedHashMap<>(0));

	private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

	private final StreamStore store;

	private final JsonPayloads payloads;

	private final String stream;

	private final long maxLength;

	private final Duration idempotencyTtl;

	private final boolean statusTracking;

	private final Duration statusTtl;

	private final Duration uniqueTtl;

	private final StreamListenerRegistrar.JobSettings settings;

	private final Clock clock;

	private final StreamMetrics metrics;

	private final RedisCircuitBreaker circuitBreaker;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	/**
	 * Creates a queue with status tracking, a status TTL and unique-key TTL of a day, and no
	 * priorities or limits.
	 * @param store the Redis side
	 * @param payloads payload conversion
	 * @param stream the jobs stream's name
	 * @param maxLength approximate length the stream is trimmed to
	 * @param idempotencyTtl how long an idempotency key is remembered
	 * @param metrics the metrics
	 */
	public JobQueue(StreamStore store, JsonPayloads payloads, String stream, long maxLength, Duration idempotencyTtl,
			StreamMetrics metrics) {
		this(store, payloads, new StreamListenerRegistrar.JobSettings(stream, "jobs", 1,
				new StreamSettings(10, Duration.ofSeconds(2), 5, Duration.ofSeconds(1), 2, Duration.ofMinutes(5),
						Duration.ofMinutes(5), maxLength, 10_000),
				true, Duration.ofDays(1), Duration.ofDays(1)), idempotencyTtl, metrics);
	}

	/**
	 * Creates a queue that counts unreadable idempotency records it replaces, with a circuit
	 * breaker of its own that opens after 3 consecutive failures, for 5 s.
	 * @param store the Redis side
	 * @param payloads payload conversion
	 * @param settings the jobs' stream, trimming, status tracking, unique key TTL, priorities
	 * and limits
	 * @param idempotencyTtl how long an idempotency key is remembered
	 * @param metrics the metrics
	 */
	public JobQueue(StreamStore store, JsonPayloads payloads, StreamListenerRegistrar.JobSettings settings,
			Duration idempotencyTtl, StreamMetrics metrics) {
		this(store, payloads, settings, idempotencyTtl, metrics,
				new RedisCircuitBreaker(3, Duration.ofSeconds(5), Clock.systemUTC()));
	}

	/**
	 * Creates a queue that counts unreadable idempotency records it replaces. Public for the
	 * auto-configuration, which makes the application's {@code JobQueue} bean.
	 * @param store the Redis side
	 * @param payloads payload conversion
	 * @param settings the jobs' stream, trimming, status tracking, unique key TTL, priorities
	 * and limits
	 * @param idempotencyTtl how long an idempotency key is remembered
	 * @param metrics the metrics
	 * @param circuitBreaker the breaker every call goes through, used by the stream producers
	 * only (never by consumers)
	 */
	public JobQueue(StreamStore store, JsonPayloads payloads, StreamListenerRegistrar.JobSettings settings,
			Duration idempotencyTtl, StreamMetrics metrics, RedisCircuitBreaker circuitBreaker) {
		this(store, payloads, settings, idempotencyTtl, Clock.systemUTC(), metrics, circuitBreaker);
	}

	JobQueue(StreamStore store, JsonPayloads payloads, StreamListenerRegistrar.JobSettings settings,
			Duration idempotencyTtl, Clock clock, StreamMetrics metrics) {
		this(store, payloads, settings, idempotencyTtl, clock, metrics,
				new RedisCircuitBreaker(3, Duration.ofSeconds(5), Clock.systemUTC()));
	}

	JobQueue(StreamStore store, JsonPayloads payloads, StreamListenerRegistrar.JobSettings settings,
			Duration idempotencyTtl, Clock clock, StreamMetrics metrics, RedisCircuitBreaker circuitBreaker) {
		this.metrics = metrics;
		this.circuitBreaker = circuitBreaker;
		this.store = store;
		this.payloads = payloads;
		this.stream = settings.stream();
		this.maxLength = settings.settings().maxLength();
		this.idempotencyTtl = idempotencyTtl;
		this.statusTracking = settings.statusTracking();
		this.statusTtl = settings.statusTtl();
		this.uniqueTtl = settings.uniqueTtl();
		this.settings = settings;
		this.clock = clock;
		metrics.producing(this.stream);
	}

	/**
	 * Enqueues a job to run as soon as a handler is free.
	 * @param type the job type, as in {@code @JobHandler}
	 * @param payload the payload, written as JSON
	 * @return the job's id
	 * @throws RedisCommandException if Redis is unavailable or does not answer within
	 * {@code redisboot.stream.timeout}, or at once while the circuit breaker is open
	 */
	public String enqueue(String type, @Nullable Object payload) {
		return add(type, payload, null, false, 0);
	}

	/**
	 * Enqueues a job unless one was enqueued with the same idempotency key before (within
	 * {@code redisboot.jobs.idempotency-ttl}).
	 * @param type the job type
	 * @param payload the payload
	 * @param idempotencyKey the key, such as {@code welcome-mail:user-42}
	 * @return the job's id, the earlier job's for a duplicate
	 * @throws RedisCommandException if Redis is unavailable or does not answer within
	 * {@code redisboot.stream.timeout}, or at once while the circuit breaker is open
	 */
	public String enqueue(String type, @Nullable Object payload, String idempotencyKey) {
		Assert.hasText(idempotencyKey, "'idempotencyKey' must not be empty");
		return add(type, payload, idempotencyKey, false, 0);
	}

	/**
	 * Enqueues a job unless one with the same unique key is still queued, scheduled, running
	 * or retrying: then returns that job's id. The key is released when the job is done, dead
	 * or cancelled (unlike an idempotency key, which lasts its TTL), so the next call enqueues
	 * a new job; should a release be missed, the key expires after
	 * {@code redisboot.jobs.unique-ttl} (renewed when the job starts). The key is stored only
	 * as a digest. Needs status tracking ({@code redisboot.jobs.status-tracking}).
	 * @param type the job type
	 * @param payload the payload
	 * @param uniqueKey the key, such as {@code export:user-42}
	 * @return the job's id, the unfinished job's for a duplicate
	 * @throws RedisCommandException if Redis is unavailable or does not answer within
	 * {@code redisboot.stream.timeout}, or at once while the circuit breaker is open
	 * @throws IllegalStateException if status tracking is off
	 */
	public String enqueueUnique(String type, @Nullable Object payload, String uniqueKey) {
		Assert.hasText(uniqueKey, "'uniqueKey' must not be empty");
		Assert.state(this.statusTracking, "Unique jobs need redisboot.jobs.status-tracking=true");
		return add(type, payload, uniqueKey, true, 0);
	}

	/**
	 * Enqueues a job to run no earlier than after a delay, unless one with the same unique key
	 * is unfinished ({@link #enqueueUnique}); the key is held for the delay too.
	 * @param delay the delay
	 * @param type the job type
	 * @param payload the payload
	 * @param uniqueKey the key
	 * @return the job's id, the unfinished job's for a duplicate
	 * @throws RedisCommandException if Redis is unavailable or does not answer within
	 * {@code redisboot.stream.timeout}, or at once while the circuit breaker is open
	 * @throws IllegalStateException if status tracking is off
	 */
	public String enqueueUniqueIn(Duration delay, String type, @Nullable Object payload, String uniqueKey) {
		Assert.hasText(uniqueKey, "'uniqueKey' must not be empty");
		Assert.state(this.statusTracking, "Unique jobs need redisboot.jobs.status-tracking=true");
		long due = this.clock.instant().plus(delay).toEpochMilli();
		return add(type, payload, uniqueKey, true, (due > this.clock.millis()) ? due : 0);
	}

	/**
	 * Enqueues a job to run no earlier than after a delay.
	 * @param delay the delay
	 * @param type the job type
	 * @param payload the payload
	 * @return the job's id
	 * @throws RedisCommandException if Redis is unavailable or does not answer within
	 * {@code redisboot.stream.timeout}, or at once while the circuit breaker is open
	 */
	public String enqueueIn(Duration delay, String type, @Nullable Object payload) {
		return enqueueAt(this.clock.instant().plus(delay), type, payload, null);
	}

	/**
	 * Enqueues a job to run no earlier than a given time.
	 * @param time the time
	 * @param type the job type
	 * @param payload the payload
	 * @param idempotencyKey a key under which only one job is enqueued, or {@code null}
	 * @return the job's id
	 * @throws RedisCommandException if Redis is unavailable or does not answer within
	 * {@code redisboot.stream.timeout}, or at once while the circuit breaker is open
	 */
	public String enqueueAt(Instant time, String type, @Nullable Object payload, @Nullable String idempotencyKey) {
		long due = time.toEpochMilli();
		return add(type, payload, idempotencyKey, false, (due > this.clock.millis()) ? due : 0);
	}

	private String add(String type, @Nullable Object payload, @Nullable String onceKey, boolean unique,
			long dueAtMillis) {
		return submit(type, payload, onceKey, unique, dueAtMillis).jobId();
	}

	private StreamStore.Enqueued submit(String type, @Nullable Object payload, @Nullable String onceKey,
			boolean unique, long dueAtMillis) {
		Assert.hasText(type, "'type' must not be empty");
		String jobId = UUID.randomUUID().toString();
		String uniqueDigest = (unique && onceKey != null) ? this.store.keys().uniqueDigest(onceKey) : null;
		Map<String, byte[]> fields = new LinkedHashMap<>();
		fields.put(StreamFields.TYPE, StreamFields.bytes(type));
		fields.put(StreamFields.JOB, StreamFields.bytes(jobId));
		fields.put(StreamFields.PAYLOAD, this.payloads.write(payload));
		if (uniqueDigest != null) {
			fields.put(StreamFields.UNIQUE, StreamFields.bytes(uniqueDigest));
		}
		JobPriority priority = this.settings.priority(type);
		if (priority != JobPriority.NORMAL) {
			fields.put(StreamFields.PRIORITY, StreamFields.bytes(priority.name().toLowerCase(Locale.ROOT)));
		}
		String lane = priority.lane(this.stream);
		if (onceKey == null && dueAtMillis == 0 && !this.statusTracking) {
			// nothing to check, schedule or track: a plain XADD costs Redis a third of the script
			enqueueCall(() -> this.store.add(lane, fields, this.maxLength));
			this.metrics.added(this.stream, "added");
			return new StreamStore.Enqueued(true, jobId, false, false);
		}
		long now = this.clock.millis();
		long delay = (dueAtMillis != 0) ? Math.max(0, dueAtMillis - now) : 0;
		String key = null;
		long keyTtl = 0;
		if (uniqueDigest != null) {
			key = this.store.keys().uniqueKeyOfDigest(this.stream, uniqueDigest);
			keyTtl = this.uniqueTtl.toMillis() + delay;
		}
		else if (onceKey != null) {
			key = this.store.keys().idempotencyKey(this.stream, onceKey);
			keyTtl = this.idempotencyTtl.toMillis();
		}
		StreamStore.NewJob job = this.statusTracking
				? new StreamStore.NewJob(type, now, this.statusTtl.toMillis() + delay, uniqueDigest) : null;
		String onceKeyOfJob = key;
		long onceKeyTtl = keyTtl;
		StreamStore.Enqueued enqueued = enqueueCall(() -> this.store.enqueue(lane, jobId, fields, this.maxLength,
				onceKeyOfJob, onceKeyTtl, dueAtMillis, job));
		this.metrics.added(this.stream, enqueued.added() ? "added" : "duplicate");
		if (enqueued.replacedUnreadable()) {
			this.metrics.fault(this.stream, unique ? "unique-record" : "idempotency-record");
		}
		if (enqueued.statusReplaced()) {
			statusFault("held another type and was replaced", null);
		}
		if (unique) {
			this.metrics.uniqueEnqueue(this.stream, !enqueued.added());
		}
		return enqueued;
	}

	/**
	 * Looks up a job's status: queued, scheduled, running, retrying, done, dead or cancelled,
	 * with its type, attempts, times and, for a retrying or dead job, its last failure. One
	 * {@code HGETALL}. A record that is missing (never enqueued here, enqueued with status
	 * tracking off, or finished longer ago than {@code redisboot.jobs.status-ttl}), unreadable
	 * (another type, garbage) or out of reach (no permission, Redis down) gives an empty
	 * result, never an exception; the last two are counted as
	 * {@code redisboot.stream.faults{cause=job-status}}. While the circuit breaker is open
	 * the result is empty at once, without calling Redis, counted as
	 * {@code redisboot.jobs.status-lookups{result=short-circuited}}.
	 * @param jobId the id {@code enqueue} returned
	 * @return the status, or empty
	 */
	public Optional<JobStatus> status(String jobId) {
		if (!isJobId(jobId)) {
			this.metrics.statusLookup(this.stream, "missing");
			return Optional.empty();
		}
		Map<String, String> record;
		try {
			record = this.circuitBreaker.call(() -> this.store.jobStatus(this.stream, jobId),
					JobQueue::shortCircuitedStatus);
		}
		catch (RuntimeException ex) {
			if (String.valueOf(ex.getMessage()).contains("WRONGTYPE")) {
				statusFault("is unreadable (another Redis type)", null);
			}
			else {
				statusFault("could not be read", ex);
			}
			this.metrics.statusLookup(this.stream, "unreadable");
			return Optional.empty();
		}
		if (record == SHORT_CIRCUITED) {
			this.metrics.statusLookup(this.stream, "short-circuited");
			return Optional.empty();
		}
		if (record.isEmpty()) {
			this.metrics.statusLookup(this.stream, "missing");
			return Optional.empty();
		}
		JobStatus status = parse(jobId, record, this.clock.millis());
		if (status == null) {
			statusFault("is unreadable", null);
			this.metrics.statusLookup(this.stream, "unreadable");
			return Optional.empty();
		}
		this.metrics.statusLookup(this.stream, "found");
		return Optional.of(status);
	}

	/**
	 * Cancels a job. One that waits (queued, scheduled or retrying) will not run: it is taken
	 * out of the delayed set, or acknowledged without running when a consumer reads it, and
	 * its unique key is released. One that runs is only flagged: its handler sees
	 * {@link StreamDelivery#isCancelled()} and decides when to stop. Two round trips (the
	 * status record, then a script). Needs status tracking; counted as
	 * {@code redisboot.jobs.cancellations{outcome}}.
	 * @param jobId the id {@code enqueue} returned
	 * @return what was done
	 * @throws RuntimeException with the Redis error when the status record or the delayed set
	 * cannot be written (no permission, Redis down), or an unavailable
	 * {@link RedisCommandException} at once while the circuit breaker is open (counted as
	 * {@code outcome=short-circuited}): the caller must know the job may still run
	 */
	public CancelOutcome cancel(String jobId) {
		CancelOutcome outcome = doCancel(jobId);
		this.metrics.jobCancel(this.stream, outcome.name().toLowerCase(Locale.ROOT).replace('_', '-'));
		return outcome;
	}

	private CancelOutcome doCancel(String jobId) {
		if (!isJobId(jobId)) {
			return CancelOutcome.NOT_FOUND;
		}
		Map<String, String> record;
		try {
			record = cancelCall(() -> this.store.jobStatus(this.stream, jobId));
		}
		catch (RedisCommandException ex) {
			if (String.valueOf(ex.getMessage()).contains("WRONGTYPE")) {
				statusFault("is unreadable", null);
				return CancelOutcome.NOT_FOUND;
			}
			throw ex;
		}
		if (record.isEmpty()) {
			return CancelOutcome.NOT_FOUND;
		}
		String unique = record.get("unique");
		String uniqueDigest = (unique != null && !unique.isEmpty() && unique.length() <= 64) ? unique : null;
		String outcome = cancelCall(() -> this.store.cancel(this.stream, jobId, uniqueDigest, this.clock.millis(),
				this.statusTtl.toMillis()));
		return switch (outcome) {
			case "cancelled" -> CancelOutcome.CANCELLED;
			case "requested" -> CancelOutcome.REQUESTED;
			case "finished" -> CancelOutcome.ALREADY_FINISHED;
			case "missing" -> CancelOutcome.NOT_FOUND;
			default -> {
				statusFault("is unreadable", null);
				yield CancelOutcome.NOT_FOUND;
			}
		};
	}

	/**
	 * Runs the Redis call of an enqueue under the circuit breaker, counting its result.
	 */
	private <T> T enqueueCall(Supplier<T> call) {
		return call(call, () -> this.metrics.added(this.stream, "failed"),
				() -> this.metrics.added(this.stream, "short-circuited"));
	}

	/**
	 * Runs a Redis call of a cancellation under the circuit breaker (a failure is not counted:
	 * it reaches the caller).
	 */
	private <T> T cancelCall(Supplier<T> call) {
		return call(call, null, () -> this.metrics.jobCancel(this.stream, "short-circuited"));
	}

	/**
	 * Runs a Redis call under the circuit breaker: a failure is counted and rethrown; a call
	 * the breaker does not let through is counted and throws an unavailable
	 * {@link RedisCommandException} at once.
	 * @param call the Redis call
	 * @param failed counts a call that threw, or {@code null}
	 * @param shortCircuited counts a call that was not let through
	 */
	private <T> T call(Supplier<T> call, @Nullable Runnable failed, Runnable shortCircuited) {
		return this.circuitBreaker.call(call, (failure) -> {
			if (failure != null) {
				if (failed != null) {
					failed.run();
				}
				throw failure;
			}
			shortCircuited.run();
			throw new RedisCommandException(RedisCommandException.Kind.UNAVAILABLE, "Redis is not called for the jobs "
					+ "of stream '" + this.stream + "': the stream producers' circuit breaker is open after consecutive "
					+ "failures (redisboot.stream.circuit-breaker)");
		});
	}

	private static @Nullable Map<String, String> shortCircuitedStatus(@Nullable RuntimeException failure) {
		if (failure != null) {
			throw failure;
		}
		return SHORT_CIRCUITED;
	}

	private void statusFault(String problem, @Nullable RuntimeException ex) {
		this.metrics.fault(this.stream, "job-status");
		this.warnOnce.warn("status:" + problem + ((ex != null) ? ":" + ex.getClass().getName() : ""),
				"A job status record of stream '" + this.stream + "' " + problem
						+ ((ex != null) ? " (" + ex.getMessage() + ")" : ""),
				null);
	}

	static @Nullable JobStatus parse(String jobId, Map<String, String> record, long nowMillis) {
		JobState state;
		try {
			state = JobState.valueOf(record.getOrDefault("state", ""));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		long updated = millis(record.get("updated"));
		if (updated <= 0) {
			return null;
		}
		long enqueued = millis(record.get("enqueued"));
		long due = millis(record.get("due"));
		if (state == JobState.SCHEDULED && due <= nowMillis) {
			state = JobState.QUEUED; // moved into the stream, or about to be
		}
		boolean waiting = state == JobState.SCHEDULED || state == JobState.RETRYING;
		boolean failed = state == JobState.RETRYING || state == JobState.DEAD;
		String error = record.get("error");
		if (error != null && error.length() > 1000) {
			error = error.substring(0, 1000);
		}
		long attempts = millis(record.get("attempts"));
		String type = record.getOrDefault("type", "");
		return new JobStatus(jobId, state, (type.length() <= 100) ? type : type.substring(0, 100),
				(int) Math.max(0, Math.min(attempts, Integer.MAX_VALUE)),
				(enqueued > 0) ? Instant.ofEpochMilli(enqueued) : null, Instant.ofEpochMilli(updated),
				(waiting && due > 0) ? Instant.ofEpochMilli(due) : null,
				(failed && error != null && !error.isEmpty()) ? error : null,
				record.containsKey("cancel") && !state.isFinished());
	}

	private static long millis(@Nullable String value) {
		if (value == null) {
			return 0;
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	static boolean isJobId(@Nullable String value) {
		return value != null && value.length() == 36 && JOB_ID.matcher(value).matches();
	}

	/**
	 * The circuit breaker every call of this queue goes through.
	 * @return the breaker
	 */
	public RedisCircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Returns the jobs stream's name.
	 * @return the name
	 */
	public String getStream() {
		return this.stream;
	}

	/**
	 * Enqueues a job unless one was enqueued with the same idempotency key before (within
	 * {@code redisboot.jobs.idempotency-ttl}), and tells which happened: recurring jobs use it
	 * to enqueue exactly one job per fire time across instances, and to count duplicates.
	 * @param type the job type
	 * @param payload the payload
	 * @param idempotencyKey the key, such as {@code schedule:billing:1764633600000}
	 * @return the new job's id, or empty when a job was enqueued under the key before
	 * @throws RedisCommandException if Redis is unavailable or does not answer within
	 * {@code redisboot.stream.timeout}, or at once while the circuit breaker is open
	 */
	public Optional<String> enqueueIfAbsent(String type, @Nullable Object payload, String idempotencyKey) {
		Assert.hasText(type, "'type' must not be empty");
		Assert.hasText(idempotencyKey, "'idempotencyKey' must not be empty");
		// the same path as every enqueue (status record, priority lane), the key check atomic with the XADD
		StreamStore.Enqueued enqueued = submit(type, payload, idempotencyKey, false, 0);
		return enqueued.added() ? Optional.of(enqueued.jobId()) : Optional.empty();
	}

}

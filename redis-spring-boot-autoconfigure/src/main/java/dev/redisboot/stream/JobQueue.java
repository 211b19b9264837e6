package dev.redisboot.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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
 *
 * @author redisboot
 */
public final class JobQueue {

	private final StreamStore store;

	private final JsonPayloads payloads;

	private final String stream;

	private final long maxLength;

	private final Duration idempotencyTtl;

	private final Clock clock;

	private final StreamMetrics metrics;

	/**
	 * Creates a queue that counts unreadable idempotency records it replaces. Public for the
	 * auto-configuration, which makes the application's {@code JobQueue} bean.
	 * @param store the Redis side
	 * @param payloads payload conversion
	 * @param stream the jobs stream's name
	 * @param maxLength approximate length the stream is trimmed to
	 * @param idempotencyTtl how long an idempotency key is remembered
	 * @param metrics the metrics
	 */
	public JobQueue(StreamStore store, JsonPayloads payloads, String stream, long maxLength, Duration idempotencyTtl,
			StreamMetrics metrics) {
		this(store, payloads, stream, maxLength, idempotencyTtl, Clock.systemUTC(), metrics);
	}

	JobQueue(StreamStore store, JsonPayloads payloads, String stream, long maxLength, Duration idempotencyTtl,
			Clock clock, StreamMetrics metrics) {
		this.metrics = metrics;
		this.store = store;
		this.payloads = payloads;
		this.stream = stream;
		this.maxLength = maxLength;
		this.idempotencyTtl = idempotencyTtl;
		this.clock = clock;
	}

	/**
	 * Enqueues a job to run as soon as a handler is free.
	 * @param type the job type, as in {@code @JobHandler}
	 * @param payload the payload, written as JSON
	 * @return the job's id
	 */
	public String enqueue(String type, @Nullable Object payload) {
		return add(type, payload, null, 0);
	}

	/**
	 * Enqueues a job unless one was enqueued with the same idempotency key before (within
	 * {@code redisboot.jobs.idempotency-ttl}).
	 * @param type the job type
	 * @param payload the payload
	 * @param idempotencyKey the key, such as {@code welcome-mail:user-42}
	 * @return the job's id, the earlier job's for a duplicate
	 */
	public String enqueue(String type, @Nullable Object payload, String idempotencyKey) {
		Assert.hasText(idempotencyKey, "'idempotencyKey' must not be empty");
		return add(type, payload, idempotencyKey, 0);
	}

	/**
	 * Enqueues a job to run no earlier than after a delay.
	 * @param delay the delay
	 * @param type the job type
	 * @param payload the payload
	 * @return the job's id
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
	 */
	public String enqueueAt(Instant time, String type, @Nullable Object payload, @Nullable String idempotencyKey) {
		long due = time.toEpochMilli();
		return add(type, payload, idempotencyKey, (due > this.clock.millis()) ? due : 0);
	}

	private String add(String type, @Nullable Object payload, @Nullable String idempotencyKey, long dueAtMillis) {
		Assert.hasText(type, "'type' must not be empty");
		String jobId = UUID.randomUUID().toString();
		Map<String, byte[]> fields = new LinkedHashMap<>();
		fields.put(StreamFields.TYPE, StreamFields.bytes(type));
		fields.put(StreamFields.JOB, StreamFields.bytes(jobId));
		fields.put(StreamFields.PAYLOAD, this.payloads.write(payload));
		if (idempotencyKey == null && dueAtMillis == 0) {
			// nothing to check or schedule: a plain XADD costs Redis a third of the script
			this.store.add(this.stream, fields, this.maxLength);
			return jobId;
		}
		StreamStore.Enqueued enqueued = this.store.enqueue(this.stream, jobId, fields, this.maxLength, idempotencyKey,
				this.idempotencyTtl, dueAtMillis);
		if (enqueued.replacedUnreadable()) {
			this.metrics.fault(this.stream, "idempotency-record");
		}
		return enqueued.jobId();
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
	 */
	public Optional<String> enqueueIfAbsent(String type, @Nullable Object payload, String idempotencyKey) {
		Assert.hasText(type, "'type' must not be empty");
		Assert.hasText(idempotencyKey, "'idempotencyKey' must not be empty");
		String jobId = UUID.randomUUID().toString();
		Map<String, byte[]> fields = new LinkedHashMap<>();
		fields.put(StreamFields.TYPE, StreamFields.bytes(type));
		fields.put(StreamFields.JOB, StreamFields.bytes(jobId));
		fields.put(StreamFields.PAYLOAD, this.payloads.write(payload));
		StreamStore.Enqueued enqueued = this.store.enqueue(this.stream, jobId, fields, this.maxLength, idempotencyKey,
				this.idempotencyTtl, 0);
		if (enqueued.replacedUnreadable()) {
			this.metrics.fault(this.stream, "idempotency-record");
		}
		return enqueued.added() ? Optional.of(enqueued.jobId()) : Optional.empty();
	}

}

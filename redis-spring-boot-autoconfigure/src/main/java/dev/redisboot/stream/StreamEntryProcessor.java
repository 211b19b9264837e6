package dev.redisboot.stream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

import dev.redisboot.core.redis.RedisCommandException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import static dev.redisboot.stream.StreamFields.bytes;
import static dev.redisboot.stream.StreamFields.string;

/**
 * What happens to one entry of a {@link StreamSubscription}: its handler runs; returning
 * acknowledges the entry; an exception schedules a retry after the subscription's back-off
 * or, after the last attempt or at once for an {@link UnprocessableEntryException}, moves it
 * to the dead-letter stream with the error. A retry is a new entry that names its group, so
 * the stream's other groups do not see it again. A job of the jobs stream with status
 * tracking has its status record written by the same scripts ({@code job-start.lua},
 * {@code job-complete.lua}, {@code fail.lua}).
 *
 * @author redisboot
 */
final class StreamEntryProcessor {

	private static final Log logger = LogFactory.getLog(StreamEntryProcessor.class);

	private static final int MAX_ERROR_LENGTH = 1000;

	private final StreamSubscription subscription;

	private final ConsumerContext context;

	private final StreamListenerRegistrar.@Nullable JobSettings jobs;

	StreamEntryProcessor(StreamSubscription subscription, ConsumerContext context) {
		this.subscription = subscription;
		this.context = context;
		this.jobs = (subscription.handler() instanceof JobDispatcher dispatcher) ? dispatcher.settings() : null;
	}

	/**
	 * Hands an entry to the handler and acknowledges, retries or dead-letters it. A tracked
	 * job is marked running first, in the same round trip that finds out whether it was
	 * cancelled (then it is acknowledged without running).
	 * @param id the entry's id
	 * @param body the entry
	 */
	void process(String id, Map<byte[], byte[]> body) {
		Map<String, byte[]> fields = StreamFields.of(body);
		String stream = this.subscription.stream();
		String group = this.subscription.group();
		byte[] target = fields.get(StreamFields.GROUP);
		if (target != null && !string(target).equals(group)) {
			this.context.store().ack(stream, group, id); // a retry meant for another group of this stream
			return;
		}
		int attempt = StreamFields.attempt(fields);
		byte[] job = fields.get(StreamFields.JOB);
		String jobId = (job != null) ? string(job) : null;
		StreamStore.JobStep step = step(jobId, fields, null);
		if (step == null || jobId == null || this.jobs == null) {
			handle(id, fields, attempt, jobId, null, null);
			return;
		}
		String type = type(fields);
		JobLimits limits = this.jobs.limits(type);
		if (limits.rateLimit() > 0 && fields.containsKey(StreamFields.RATE_SLOT)) {
			// deferred by the rate limit, it reserved its start then
			limits = new JobLimits(limits.concurrency(), 0, limits.ratePeriod());
		}
		Semaphore permits = (this.subscription.handler() instanceof JobDispatcher dispatcher)
				? dispatcher.permits(type) : null;
		boolean permitted = permits == null || permits.tryAcquire();
		try {
			StreamStore.Started start;
			try {
				start = this.context.store()
					.startJob(stream, group, id, step, attempt, this.jobs.uniqueTtl().toMillis(), type, limits,
							permitted ? 0 : deferral(this.jobs), fields);
			}
			catch (RedisCommandException ex) {
				if (!String.valueOf(ex.getMessage()).contains("NOPERM") || !permitted) {
					throw ex;
				}
				// the status record is out of the user's reach: the job runs untracked rather than not at all
				statusFault("could not be written (" + ex.getMessage() + ")");
				handle(id, fields, attempt, jobId, null, null);
				return;
			}
			if (start.statusFault()) {
				statusFault("held another type and was replaced");
			}
			if (start.deferred()) {
				this.context.metrics().jobDeferred(StreamKeys.base(stream), type, permitted ? "rate-limit" : "concurrency");
				return;
			}
			if (!start.run()) {
				this.context.metrics().handled(stream, group, "cancelled", Duration.ZERO);
				return;
			}
			handle(id, fields, attempt, jobId, step, new JobCancellation(this.context, stream, jobId));
		}
		finally {
			if (permits != null && permitted) {
				permits.release();
			}
		}
	}

	private void handle(String id, Map<String, byte[]> fields, int attempt, @Nullable String jobId,
			StreamStore.@Nullable JobStep step, @Nullable JobCancellation cancellation) {
		String stream = this.subscription.stream();
		String group = this.subscription.group();
		long started = System.nanoTime();
		try {
			StreamDelivery delivery = (cancellation != null)
					? new StreamDelivery(stream, group, id, attempt, jobId, cancellation)
					: new StreamDelivery(stream, group, id, attempt, jobId);
			this.subscription.handler().handle(fields, delivery);
		}
		catch (UnprocessableEntryException ex) {
			deadLetter(id, fields, attempt, describe(ex), started, step != null);
			return;
		}
		catch (Throwable ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			if (!this.context.isRunning() && Thread.currentThread().isInterrupted()) {
				// stopped while the handler ran: leave the entry pending for another consumer to reclaim
				logger.warn("Entry " + id + " of stream '" + stream + "' was interrupted by shutdown; it stays pending "
						+ "and another consumer will reclaim it after " + this.subscription.settings().reclaimIdle());
				return;
			}
			failed(id, fields, attempt, ex, started, step != null);
			return;
		}
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		if (step != null && cancellation != null) {
			boolean cancelled = cancellation.seen();
			if (this.context.store()
				.completeJob(stream, group, id, step(jobId, fields, null), cancelled ? JobState.CANCELLED : JobState.DONE)) {
				statusFault("held another type and was replaced");
			}
			this.context.metrics().handled(stream, group, cancelled ? "cancelled" : "processed", took);
			return;
		}
		this.context.store().ack(stream, group, id);
		this.context.metrics().handled(stream, group, "processed", took);
	}

	/**
	 * Returns the step of a tracked job, or {@code null} when the entry is not one: the
	 * subscription is not the jobs', status tracking is off, or the job id is not one
	 * {@link JobQueue} made.
	 */
	private StreamStore.@Nullable JobStep step(@Nullable String jobId, Map<String, byte[]> fields,
			@Nullable String error) {
		if (this.jobs == null || !this.jobs.statusTracking() || jobId == null || !JobQueue.isJobId(jobId)) {
			return null;
		}
		byte[] unique = fields.get(StreamFields.UNIQUE);
		String digest = (unique != null && unique.length > 0 && unique.length <= 64) ? string(unique) : null;
		return new StreamStore.JobStep(jobId, digest, System.currentTimeMillis(), this.jobs.statusTtl().toMillis(),
				error);
	}

	/**
	 * Returns how long to defer a job whose type's concurrency is taken: the deferral, give
	 * or take a quarter at random, so that a backlog of such jobs does not come back at once.
	 */
	private static long deferral(StreamListenerRegistrar.JobSettings jobs) {
		long deferral = Math.max(4, jobs.deferral().toMillis());
		return deferral * 3 / 4 + ThreadLocalRandom.current().nextLong(deferral / 2 + 1);
	}

	private static String type(Map<String, byte[]> fields) {
		byte[] type = fields.get(StreamFields.TYPE);
		String name = (type != null) ? string(type) : "";
		return (name.length() <= 100) ? name : name.substring(0, 100);
	}

	private void statusFault(String problem) {
		this.context.metrics().fault(this.subscription.stream(), "job-status");
		this.context.warnOnce()
			.warn("job-status:" + this.subscription.name() + ":" + problem.substring(0, Math.min(20, problem.length())),
					"A job status record of stream '" + this.subscription.stream() + "' " + problem
							+ "; the job runs regardless",
					null);
	}

	/**
	 * Moves an entry that was delivered more often than the attempts allow to the
	 * dead-letter stream without running the handler: its consumers died (or took longer
	 * than the reclaim idle time) each time.
	 * @param id the entry's id
	 * @param body the entry
	 * @param deliveries how often it was delivered
	 */
	void abandon(String id, Map<byte[], byte[]> body, long deliveries) {
		Map<String, byte[]> fields = StreamFields.of(body);
		deadLetter(id, fields, StreamFields.attempt(fields), "Abandoned " + (deliveries - 1)
				+ " times: its consumers died or took longer than " + this.subscription.settings().reclaimIdle()
				+ " each time", 0, true);
	}

	private void failed(String id, Map<String, byte[]> fields, int attempt, Throwable ex, long started,
			boolean tracked) {
		StreamSettings settings = this.subscription.settings();
		String stream = this.subscription.stream();
		String group = this.subscription.group();
		if (attempt >= settings.maxAttempts()) {
			deadLetter(id, fields, attempt, describe(ex), started, tracked);
			return;
		}
		Duration backoff = settings.backoff(attempt);
		Map<String, byte[]> retry = new LinkedHashMap<>(fields);
		retry.put(StreamFields.ATTEMPT, bytes(Integer.toString(attempt + 1)));
		retry.put(StreamFields.GROUP, bytes(group));
		retry.put(StreamFields.RETRY_OF, bytes(id));
		retry.remove(StreamFields.RATE_SLOT); // a retry is a new start: the rate limit applies again
		long outcome = this.context.store()
			.retry(stream, group, id, System.currentTimeMillis() + backoff.toMillis(), retry,
					tracked ? step(jobId(fields), fields, describe(ex)) : null);
		if (outcome == 2) {
			this.context.metrics().handled(stream, group, "cancelled", Duration.ofNanos(System.nanoTime() - started));
			return;
		}
		this.context.metrics().handled(stream, group, "retried", Duration.ofNanos(System.nanoTime() - started));
		this.context.warnOnce()
			.warn("failed:" + this.subscription.name() + ":" + ex.getClass().getName(),
					"Entry " + id + " of stream '" + stream + "' failed in group '" + group + "' (attempt " + attempt
							+ " of " + settings.maxAttempts() + "), retrying in " + backoff + ": " + ex,
					ex);
	}

	private static @Nullable String jobId(Map<String, byte[]> fields) {
		byte[] job = fields.get(StreamFields.JOB);
		return (job != null) ? string(job) : null;
	}

	/**
	 * Moves an entry to the dead-letter stream.
	 * @param started when the handler started ({@link System#nanoTime()}), or 0 if it did
	 * not run
	 * @param tracked whether to write the job's status (false when it runs untracked)
	 */
	private void deadLetter(String id, Map<String, byte[]> fields, int attempt, String error, long started,
			boolean tracked) {
		String stream = this.subscription.stream();
		String group = this.subscription.group();
		Map<String, byte[]> letter = new LinkedHashMap<>(fields);
		letter.remove(StreamFields.RETRY_OF);
		letter.put(StreamFields.GROUP, bytes(group));
		letter.put(StreamFields.ATTEMPT, bytes(Integer.toString(attempt)));
		letter.put(StreamFields.ERROR, bytes(error));
		letter.put(StreamFields.SOURCE_ID, bytes(id));
		letter.put(StreamFields.FAILED_AT, bytes(Long.toString(System.currentTimeMillis())));
		long outcome = this.context.store()
			.deadLetter(stream, group, id, letter, this.subscription.settings().deadLetterMaxLength(),
					tracked ? step(jobId(fields), fields, error) : null);
		long now = System.nanoTime();
		Duration took = Duration.ofNanos(now - ((started != 0) ? started : now));
		if (outcome == 2) {
			this.context.metrics().handled(stream, group, "cancelled", took);
			return;
		}
		this.context.metrics().handled(stream, group, "dead-lettered", took);
		this.context.warnOnce()
			.warn("dead:" + this.subscription.name(), "Entry " + id + " of stream '" + stream
					+ "' moved to the dead-letter stream after attempt " + attempt + ": " + error, null);
	}

	private static String describe(Throwable ex) {
		String text = ex.getClass().getName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
		return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) : text;
	}

}

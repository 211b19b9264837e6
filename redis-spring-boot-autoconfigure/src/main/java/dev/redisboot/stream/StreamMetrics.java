package dev.redisboot.stream;

import java.time.Duration;

/**
 * Counts what happens to stream entries. Implementations must be cheap and thread-safe.
 *
 * @author redisboot
 */
public interface StreamMetrics {

	/**
	 * Metrics that record nothing.
	 */
	StreamMetrics NONE = new StreamMetrics() {
	};

	/**
	 * An entry was handled.
	 * @param stream the stream
	 * @param group the group
	 * @param result {@code processed}, {@code retried} (failed, will be tried again),
	 * {@code dead-lettered} or {@code cancelled} (a job cancelled before or while it ran)
	 * @param duration how long the handler ran
	 */
	default void handled(String stream, String group, String result, Duration duration) {
	}

	/**
	 * Entries left pending by another consumer were taken over.
	 * @param stream the stream
	 * @param group the group
	 * @param count how many
	 */
	default void reclaimed(String stream, String group, int count) {
	}

	/**
	 * Something in Redis could not be used and was worked around: counted so that an
	 * operator sees hostile or broken state that the container survives.
	 * @param stream the stream
	 * @param cause what went wrong, one of a small fixed set: {@code delayed-member} (an
	 * unreadable member of the delayed set, moved to the dead-letter stream),
	 * {@code idempotency-record} (an idempotency key that held no job id, replaced),
	 * {@code move} (moving due entries failed: wrong key type, no permission, Redis down),
	 * {@code consume} (a consumer's read, acknowledgement, retry or dead letter failed; it
	 * backs off and reads again), {@code group-missing} (the stream or its group was deleted
	 * under a consumer, which created them again), {@code unique-record} (a unique key that
	 * held no job id, replaced), {@code job-status} (a job's status record was unreadable,
	 * replaced, or could not be read or written; the job ran regardless)
	 */
	default void fault(String stream, String cause) {
	}

	/**
	 * A job was cancelled, or a cancellation found nothing to do.
	 * @param stream the jobs stream
	 * @param outcome {@code cancelled}, {@code requested}, {@code already-finished},
	 * {@code not-found} or {@code short-circuited} (the producers' circuit breaker was open, so
	 * Redis was not asked and the cancellation threw at once)
	 */
	default void jobCancel(String stream, String outcome) {
	}

	/**
	 * A unique job was enqueued, or an unfinished one with the same key was found.
	 * @param stream the jobs stream
	 * @param existing whether an unfinished job was found (nothing added)
	 */
	default void uniqueEnqueue(String stream, boolean existing) {
	}

	/**
	 * A job was deferred instead of run: back in the delayed set, its attempt not counted.
	 * @param stream the jobs stream
	 * @param type the job type (one with limits configured)
	 * @param reason {@code concurrency} (its type's concurrency on this instance was taken) or
	 * {@code rate-limit}
	 */
	default void jobDeferred(String stream, String type, String reason) {
	}

	/**
	 * A job's status was looked up.
	 * @param stream the jobs stream
	 * @param result {@code found}, {@code missing}, {@code unreadable} or
	 * {@code short-circuited} (the producers' circuit breaker was open, so Redis was not
	 * asked and the result was empty at once)
	 */
	default void statusLookup(String stream, String result) {
	}

	/**
	 * A producer adds to a stream: its producer meters can be shown at 0 before the first
	 * add. The job queue calls it for the jobs stream when it is created.
	 * @param stream the stream
	 */
	default void producing(String stream) {
	}

	/**
	 * A producer ({@code JobQueue}'s enqueues, {@code StreamPublisher.add}) added an entry to
	 * a stream, or did not.
	 * @param stream the stream; for jobs the jobs stream, whatever their priority lane
	 * @param result {@code added}, {@code duplicate} (a job with the same idempotency or
	 * unique key was found, nothing added), {@code failed} (the Redis call threw: Redis
	 * unavailable, not answering, or refusing) or {@code short-circuited} (the producers'
	 * circuit breaker was open after consecutive failures, so Redis was not called and the
	 * add threw at once)
	 */
	default void added(String stream, String result) {
	}

	/**
	 * Backlog figures, refreshed periodically.
	 * @param stream the stream
	 * @param group the group
	 * @param stats the figures
	 */
	default void stats(String stream, String group, StreamStats stats) {
	}

}

package dev.redisboot.writebehind;

import java.time.Duration;

/**
 * What write-behind caching records, per write-behind name. The auto-configuration records
 * them in Micrometer ({@link MicrometerWriteBehindMetrics}) when a {@code MeterRegistry} is
 * present.
 *
 * @author redisboot
 */
public interface WriteBehindMetrics {

	/**
	 * Records nothing.
	 */
	WriteBehindMetrics NONE = new WriteBehindMetrics() {
	};

	/**
	 * A write-behind name was registered.
	 * @param name the name
	 */
	default void registered(String name) {
	}

	/**
	 * A write enqueued a job for its key.
	 * @param name the name
	 */
	default void queued(String name) {
	}

	/**
	 * A write joined the job already queued or running for its key: only the latest value is
	 * written.
	 * @param name the name
	 */
	default void coalesced(String name) {
	}

	/**
	 * The application's writer wrote a value.
	 * @param name the name
	 * @param lag from when the oldest value of the batch was recorded to the end of the write
	 */
	default void written(String name, Duration lag) {
	}

	/**
	 * The application's writer threw (the job is retried, or goes to the dead letters).
	 * @param name the name
	 */
	default void failed(String name) {
	}

	/**
	 * The sweeper found a key whose mark went stale (its job was lost) and enqueued a job
	 * for it.
	 * @param name the name
	 */
	default void swept(String name) {
	}

	/**
	 * What the last sweep read: keys with a value not yet written, and the age of the oldest
	 * such value.
	 * @param name the name
	 * @param keys the keys with a pending value
	 * @param oldest the age of the oldest pending value, zero when none
	 */
	default void pending(String name, long keys, Duration oldest) {
	}

	/**
	 * Something went wrong around the writer: Redis unreachable or refusing a write, a pending
	 * entry that cannot be read, a key of another type replaced, a job that found its key
	 * owned by another live job (and ended without writing), a sweep that failed.
	 * @param name the name
	 * @param cause {@code redis}, {@code unreadable}, {@code replaced}, {@code busy} or
	 * {@code sweep}
	 */
	default void fault(String name, String cause) {
	}

}

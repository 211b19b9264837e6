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
	 * @param result {@code processed}, {@code retried} (failed, will be tried again) or
	 * {@code dead-lettered}
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
	 * Backlog figures, refreshed periodically.
	 * @param stream the stream
	 * @param group the group
	 * @param stats the figures
	 */
	default void stats(String stream, String group, StreamStats stats) {
	}

}

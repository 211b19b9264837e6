package dev.redisboot.schedule;

import java.time.Duration;

/**
 * Counts what recurring jobs do. Replace the auto-configured bean to record elsewhere;
 * implementations must be cheap and thread-safe. Schedule names are configuration keys,
 * never personal data.
 *
 * @author redisboot
 */
public interface ScheduleMetrics {

	/**
	 * Metrics that record nothing.
	 */
	ScheduleMetrics NONE = new ScheduleMetrics() {
	};

	/**
	 * A schedule was declared on this instance: its meters can be shown at 0.
	 * @param schedule the schedule's name
	 */
	default void declared(String schedule) {
	}

	/**
	 * Fire times came to an end on this instance.
	 * @param schedule the schedule's name
	 * @param result {@code enqueued} (this instance enqueued the job), {@code duplicate}
	 * (another instance had), {@code missed} (not enqueued on time during an outage; counted
	 * once across instances), {@code skipped} (the schedule was paused; counted once), or
	 * {@code failed} (Redis could not be asked; retried)
	 * @param count how many fire times
	 */
	default void fired(String schedule, String result, long count) {
	}

	/**
	 * This instance enqueued a job for a fire time.
	 * @param schedule the schedule's name
	 * @param lateness how long after its fire time the job was enqueued
	 */
	default void enqueuedLate(String schedule, Duration lateness) {
	}

	/**
	 * The paused flag as last read.
	 * @param schedule the schedule's name
	 * @param paused whether it is paused
	 */
	default void paused(String schedule, boolean paused) {
	}

	/**
	 * A schedule's key held something redisboot never writes, which was replaced.
	 * @param schedule the schedule's name
	 */
	default void badState(String schedule) {
	}

}

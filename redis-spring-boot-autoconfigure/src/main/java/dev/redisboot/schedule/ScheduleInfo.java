package dev.redisboot.schedule;

import java.time.Instant;
import java.time.ZoneId;

import org.jspecify.annotations.Nullable;

/**
 * A schedule as a query sees it: its definition, this instance's next fire time and the
 * state shared in Redis.
 *
 * @param name the schedule's name
 * @param jobType the job type it enqueues
 * @param type {@code cron} or {@code fixed-rate}
 * @param expression the cron expression or the rate (ISO-8601)
 * @param zone the cron expression's time zone, or {@code null} for a fixed rate
 * @param missedFires the missed-fire policy
 * @param nextFire the next fire time, or {@code null} if there is none
 * @param lastFire the fire time of the last job enqueued (by any instance, or the time of a
 * trigger), or {@code null}
 * @param lastJobId that job's id, or {@code null}
 * @param lastResult that job's state ({@code queued}, {@code running}, {@code done},
 * {@code dead}, ...: {@code JobQueue.status}), or {@code null} when it is not known (no job
 * yet, status tracking off, the record expired, Redis could not be asked)
 * @param paused whether it is paused, or {@code null} when Redis could not be asked
 * @author redisboot
 */
public record ScheduleInfo(String name, String jobType, String type, String expression, @Nullable String zone,
		MissedFires missedFires, @Nullable Instant nextFire, @Nullable Instant lastFire, @Nullable String lastJobId,
		@Nullable String lastResult, @Nullable Boolean paused) {

	static ScheduleInfo of(RecurringJob job, @Nullable Instant nextFire, ScheduleStore.@Nullable State state,
			@Nullable String lastResult) {
		FireTimes times = job.fireTimes();
		ZoneId zone = times.zone();
		return new ScheduleInfo(job.name(), job.jobType(), (zone != null) ? "cron" : "fixed-rate", times.expression(),
				(zone != null) ? zone.getId() : null, job.missedFires(), nextFire,
				(state != null) ? state.lastFire() : null, (state != null) ? state.lastJobId() : null,
				lastResult, (state != null) ? state.paused() : null);
	}

}

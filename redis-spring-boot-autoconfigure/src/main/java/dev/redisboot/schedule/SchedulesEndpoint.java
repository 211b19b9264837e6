package dev.redisboot.schedule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code schedules} Actuator endpoint: every recurring job with its next fire time, last
 * fire, last job id and paused flag, and a write operation that pauses, resumes or triggers
 * one ({@code POST /actuator/schedules/{name}} with {@code {"action": "pause"}},
 * {@code "resume"} or {@code "trigger"}). Like every endpoint but health, it is not exposed
 * over HTTP unless listed in {@code management.endpoints.web.exposure.include}; the write
 * operation is not mapped unless {@code management.endpoint.schedules.access=unrestricted}.
 * Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
@Endpoint(id = "schedules", defaultAccess = Access.READ_ONLY)
public class SchedulesEndpoint {

	private final JobScheduler scheduler;

	/**
	 * Creates the endpoint.
	 * @param scheduler the scheduler
	 */
	public SchedulesEndpoint(JobScheduler scheduler) {
		this.scheduler = scheduler;
	}

	/**
	 * Lists the schedules.
	 * @return the schedules
	 */
	@ReadOperation
	public List<ScheduleInfo> schedules() {
		return this.scheduler.schedules();
	}

	/**
	 * Shows one schedule.
	 * @param name the schedule's name
	 * @return the schedule, or {@code null} (404) if there is none of that name
	 */
	@ReadOperation
	public @Nullable ScheduleInfo schedule(@Selector String name) {
		return this.scheduler.schedule(name).orElse(null);
	}

	/**
	 * Pauses, resumes or triggers a schedule.
	 * @param name the schedule's name
	 * @param action {@code pause}, {@code resume} or {@code trigger}
	 * @return what happened: {@code done} (false when Redis could not be asked), and
	 * {@code changed} (pause, resume) or {@code jobId} (trigger); {@code null} (404) if there
	 * is no such schedule
	 */
	@WriteOperation
	public @Nullable Map<String, Object> change(@Selector String name, String action) {
		if (!this.scheduler.has(name)) {
			return null;
		}
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("schedule", name);
		result.put("action", action);
		switch (action) {
			case "pause", "resume" -> {
				Optional<Boolean> changed = "pause".equals(action) ? this.scheduler.pause(name)
						: this.scheduler.resume(name);
				result.put("done", changed.isPresent());
				changed.ifPresent((value) -> result.put("changed", value));
			}
			case "trigger" -> {
				Optional<String> jobId = this.scheduler.trigger(name);
				result.put("done", jobId.isPresent());
				jobId.ifPresent((value) -> result.put("jobId", value));
			}
			default -> throw new InvalidEndpointRequestException("Unknown action '" + action + "'",
					"Unknown action: use pause, resume or trigger");
		}
		return result;
	}

}

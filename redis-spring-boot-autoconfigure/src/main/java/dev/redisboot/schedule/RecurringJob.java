package dev.redisboot.schedule;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A recurring job: a named schedule that enqueues jobs of one type.
 *
 * @param name the schedule's name: 1 to 200 characters without curly braces, a code
 * constant (it appears in key names and metric tags)
 * @param jobType the job type, as in {@code @JobHandler}
 * @param fireTimes when it fires
 * @param payload the payload of each job, or {@code null}
 * @param missedFires what fire times missed during an outage turn into
 * @param misfireThreshold how late after its fire time a job may still be enqueued as on
 * time; later, the fire time is missed
 * @author redisboot
 */
public record RecurringJob(String name, String jobType, FireTimes fireTimes, @Nullable Object payload,
		MissedFires missedFires, Duration misfireThreshold) {

	/**
	 * Checks the values.
	 * @param name the schedule's name
	 * @param jobType the job type
	 * @param fireTimes when it fires
	 * @param payload the payload or {@code null}
	 * @param missedFires the missed-fire policy
	 * @param misfireThreshold the misfire threshold, positive
	 */
	public RecurringJob {
		Assert.isTrue(validName(name), () -> "Schedule name '" + name + "' must be 1 to 200 characters without "
				+ "curly braces");
		Assert.hasText(jobType, "'jobType' must not be empty");
		Assert.isTrue(!misfireThreshold.isNegative() && !misfireThreshold.isZero(),
				"'misfireThreshold' must be positive");
	}

	/**
	 * Tells whether a schedule name may be used (it appears in a key name and a hash tag).
	 * @param name the name
	 * @return whether it is 1 to 200 characters without curly braces
	 */
	public static boolean validName(@Nullable String name) {
		return name != null && !name.isEmpty() && name.length() <= 200 && name.indexOf('{') < 0
				&& name.indexOf('}') < 0;
	}

}

package dev.redisboot.schedule;

/**
 * What fire times missed while no instance could enqueue them (every instance down, or
 * Redis unavailable past a schedule's misfire threshold) turn into.
 *
 * @author redisboot
 */
public enum MissedFires {

	/**
	 * Missed fire times are counted ({@code result=missed}) and not run; the next fire time
	 * runs as usual.
	 */
	SKIP,

	/**
	 * Missed fire times are counted, and one job is enqueued for all of them (keyed by the
	 * last one) as soon as an instance can: billing that must happen once per period.
	 */
	RUN_ONCE

}

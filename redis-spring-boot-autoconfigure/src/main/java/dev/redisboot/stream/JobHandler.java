package dev.redisboot.stream;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a bean method that runs jobs of one type enqueued with {@link JobQueue}. The method
 * takes the payload, converted from JSON to the parameter's type, and optionally a
 * {@link StreamDelivery}. Returning acknowledges the job; throwing retries it with
 * exponential back-off and, after {@code redisboot.jobs.max-attempts}, moves it to the jobs'
 * dead-letter stream.
 * <p>
 * With {@link #cron()} or {@link #fixedRate()}, the job is also enqueued on a schedule, once
 * per fire time across all instances ({@code dev.redisboot.schedule}; see
 * docs/scheduling.md), with a {@code null} payload. A
 * {@code redisboot.jobs.schedules.<type>} entry with the same name overrides these
 * attributes. Every attribute of a schedule accepts {@code ${...}} placeholders.
 *
 * @author redisboot
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(HandlerMethodReflectiveProcessor.class)
public @interface JobHandler {

	/**
	 * The job type, as passed to {@link JobQueue#enqueue(String, Object)}.
	 * @return the type
	 */
	String value();

	/**
	 * A cron expression (Spring's {@code CronExpression}: six fields, seconds first, or a
	 * macro such as {@code @daily}) on which the job is enqueued; empty for none.
	 * @return the cron expression
	 */
	String cron() default "";

	/**
	 * The time zone of {@link #cron()}, such as {@code Europe/Paris}; empty for UTC.
	 * @return the zone id
	 */
	String zone() default "";

	/**
	 * A fixed rate at which the job is enqueued, as a duration ({@code 10s}, {@code 1h},
	 * {@code PT15M}), with fire times at whole multiples of the rate since the epoch (UTC),
	 * the same on every instance; empty for none.
	 * @return the rate
	 */
	String fixedRate() default "";

	/**
	 * What happens to fire times missed while no instance could enqueue them:
	 * {@code skip} (the default) or {@code run-once} (one job for the missed period).
	 * @return the policy, empty for {@code skip}
	 */
	String missedFires() default "";

}

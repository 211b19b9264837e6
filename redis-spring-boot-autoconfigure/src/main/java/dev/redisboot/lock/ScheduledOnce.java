package dev.redisboot.lock;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Spring {@code @Scheduled} method on one instance per fire time: each instance's
 * scheduler still fires, and the first to take the task's lock runs the method while the
 * others skip it (counted as {@code skipped}). Semantics of ShedLock's
 * {@code @SchedulerLock}, with the lock in Redis and no database:
 * <pre class="code">
 * &#64;Scheduled(cron = "0 0 3 * * *", zone = "Europe/Berlin")
 * &#64;ScheduledOnce(lockAtMostFor = "30m", lockAtLeastFor = "1m")
 * void purgeExpiredInvitations() { ... }
 * </pre>
 * The lock is held from the start of a run until the method returns, but at least
 * {@link #lockAtLeastFor()} (so that an instance whose clock or scheduler is a little late
 * does not run the same fire time again after a quick run ended) and at most
 * {@link #lockAtMostFor()} (so that a run on an instance that died does not block the task
 * for good). When Redis cannot be asked, the run is skipped on every instance: a missed run
 * rather than a double one. A run longer than {@code lockAtMostFor} is counted and logged
 * as a lease that expired while held: another instance may have started the next one.
 * <p>
 * Applies to methods of Spring beans that can be proxied (not final, not private), called
 * through the bean, as {@code @Scheduled} does; a direct call of the method through the
 * bean is locked the same way. Needs {@code DistributedLocks} (the
 * {@code redisboot.lock.*} auto-configuration).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ScheduledOnce {

	/**
	 * The lock's name, shared by every instance: by default the bean class's simple name and
	 * the method's, such as {@code NightlyCleanup.purge}. Give one when two classes share a
	 * simple name, or to keep the lock when a method is renamed.
	 * @return the name
	 */
	String name() default "";

	/**
	 * The longest a run holds the lock, such as {@code "30m"}, {@code "PT30M"} or
	 * {@code "1800s"}: longer than the longest run, shorter than the time an instance that died
	 * while running may block the task. Empty for {@code redisboot.lock.default-lease} (30s).
	 * @return the duration
	 */
	String lockAtMostFor() default "";

	/**
	 * The shortest time a run holds the lock, even when it finishes sooner: longer than the
	 * difference between the instances' clocks and scheduler delays (a second is plenty on
	 * hosts synchronized with NTP), shorter than the schedule's interval. {@code "0s"}
	 * releases the lock as soon as the method returns.
	 * @return the duration
	 */
	String lockAtLeastFor() default "0s";

}

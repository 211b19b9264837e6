package dev.redisboot.lock;

import java.time.Duration;

/**
 * Counts what {@link DistributedLocks} and {@link ScheduledOnce @ScheduledOnce} do. Replace
 * the auto-configured bean to record elsewhere; implementations must be cheap and
 * thread-safe. Lock names are not passed: an application may build them from ids ("invoice:"
 * + a customer id), whose number is unbounded; scheduled task names are code constants.
 */
public interface LockMetrics {

	/**
	 * Metrics that record nothing.
	 */
	LockMetrics NONE = new LockMetrics() {
	};

	/**
	 * A try-acquire or acquire call ended.
	 * @param result {@code acquired}, {@code busy} (another holder has the lock, also after
	 * waiting), {@code error} (Redis was unavailable or refused the command: the call
	 * failed closed) or {@code short-circuited} (the locks' circuit breaker was open after
	 * consecutive failures, so Redis was not asked: the call failed closed at once)
	 */
	default void acquisition(String result) {
	}

	/**
	 * An {@code acquire} call waited for a lock that was held.
	 * @param waited how long it waited
	 * @param acquired whether it got the lock in the end
	 */
	default void waited(Duration waited, boolean acquired) {
	}

	/**
	 * A release ended.
	 * @param result {@code released}, {@code lost} (the lease had ended before: see
	 * {@link #leaseExpiredWhileHeld()}) or {@code error} (Redis could not be asked; the lock
	 * ends with its lease)
	 */
	default void release(String result) {
	}

	/**
	 * A holder found, at release or at a watchdog renewal, that its lease had ended while it
	 * still worked: another holder may have run at the same time. The dangerous case.
	 */
	default void leaseExpiredWhileHeld() {
	}

	/**
	 * A lock key or fencing counter held something redisboot never writes, and was waited
	 * out or replaced.
	 */
	default void badState() {
	}

	/**
	 * A {@link ScheduledOnce @ScheduledOnce} task was found at startup, before its first
	 * run: a chance to show its meters at 0.
	 * @param task the task's lock name
	 */
	default void taskDeclared(String task) {
	}

	/**
	 * A {@link ScheduledOnce @ScheduledOnce} method was due on this instance.
	 * @param task the task's lock name
	 * @param result {@code ran}, {@code skipped} (another instance has it, or Redis could not
	 * be asked) or {@code failed} (it ran and threw)
	 */
	default void scheduledRun(String task, String result) {
	}

}

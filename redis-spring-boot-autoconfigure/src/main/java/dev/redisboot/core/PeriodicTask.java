package dev.redisboot.core;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Work that runs on every instance at a fixed delay, on a daemon thread of its own, starting
 * at a random point of the first interval so that instances started together do not run
 * together, until the application stops. A run that fails is logged once per exception type
 * (later ones at DEBUG) and does not stop the next. The session clean-up and the write-behind
 * sweep are such tasks.
 *
 * @author redisboot
 */
public abstract class PeriodicTask implements SmartLifecycle {

	private final String threadName;

	private final Duration interval;

	private final WarnOnce warnOnce;

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Creates a task.
	 * @param threadName the name of its thread
	 * @param interval the delay between the end of a run and the start of the next
	 * @param logger where a failed run is logged
	 */
	protected PeriodicTask(String threadName, Duration interval, Log logger) {
		this.threadName = threadName;
		this.interval = interval;
		this.warnOnce = new WarnOnce(logger);
	}

	/**
	 * Runs the work once.
	 */
	protected abstract void runOnce();

	/**
	 * What a failed run means, for its log line (the exception's message follows).
	 * @return the description, such as "Expired sessions could not be counted"
	 */
	protected abstract String failureDescription();

	@Override
	public final synchronized void start() {
		if (this.executor != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, this.threadName);
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(1, this.interval.toMillis());
		executor.scheduleWithFixedDelay(this::runQuietly, ThreadLocalRandom.current().nextLong(period), period,
				TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	private void runQuietly() {
		try {
			runOnce();
		}
		catch (RuntimeException ex) {
			this.warnOnce.warn(ex.getClass().getName(), failureDescription() + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public final synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public final synchronized boolean isRunning() {
		return this.executor != null;
	}

}

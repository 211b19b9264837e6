package dev.redisboot.writebehind;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.WarnOnce;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Runs {@link WriteBehindRegistry#sweep()} on every instance at a fixed interval
 * ({@code redisboot.write-behind.sweep-interval}), starting at a random point of the first
 * interval so that instances started together do not sweep together. Instances sweeping at
 * once are safe: a stuck key is re-armed by one of them (a compare-and-set), which enqueues
 * its one job. Each sweep reads the marks and times of every pending key of every name
 * ({@code HSCAN}, never the values) and refreshes the {@code redisboot.writebehind.pending}
 * and {@code .oldest} gauges.
 *
 * @author redisboot
 */
public final class WriteBehindSweeper implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(WriteBehindSweeper.class);

	private final WriteBehindRegistry registry;

	private final Duration interval;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Creates a sweeper.
	 * @param registry the registry whose names are swept
	 * @param interval how often to sweep
	 */
	public WriteBehindSweeper(WriteBehindRegistry registry, Duration interval) {
		this.registry = registry;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "redisboot-write-behind-sweeper");
			thread.setDaemon(true);
			return thread;
		});
		long period = Math.max(1, this.interval.toMillis());
		executor.scheduleWithFixedDelay(this::sweep, ThreadLocalRandom.current().nextLong(period), period,
				TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	private void sweep() {
		try {
			int rearmed = this.registry.sweep();
			if (rearmed > 0 && logger.isInfoEnabled()) {
				logger.info("Write-behind sweep: " + rearmed + " key(s) whose job was lost were queued again");
			}
		}
		catch (RuntimeException ex) {
			this.warnOnce.warn(ex.getClass().getName(), "Write-behind sweep failed: " + ex.getMessage(), ex);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}

package dev.redisboot.writebehind;

import java.time.Duration;

import dev.redisboot.core.PeriodicTask;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
public final class WriteBehindSweeper extends PeriodicTask {

	private static final Log logger = LogFactory.getLog(WriteBehindSweeper.class);

	private final WriteBehindRegistry registry;

	/**
	 * Creates a sweeper.
	 * @param registry the registry whose names are swept
	 * @param interval how often to sweep
	 */
	public WriteBehindSweeper(WriteBehindRegistry registry, Duration interval) {
		super("redisboot-write-behind-sweeper", interval, logger);
		this.registry = registry;
	}

	@Override
	protected void runOnce() {
		int rearmed = this.registry.sweep();
		if (rearmed > 0 && logger.isInfoEnabled()) {
			logger.info("Write-behind sweep: " + rearmed + " key(s) whose job was lost were queued again");
		}
	}

	@Override
	protected String failureDescription() {
		return "Write-behind sweep failed";
	}

}

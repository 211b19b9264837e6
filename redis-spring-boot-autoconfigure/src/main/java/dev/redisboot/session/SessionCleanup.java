package dev.redisboot.session;

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
 * Runs {@link RedisbootSessionRepository#cleanUpExpiredSessions()} on every instance at a
 * fixed interval, starting at a random point of the first interval so that instances started
 * together do not clean up together. Its only effects are the expired-session count, the
 * {@code SessionExpiredEvent}s and the active-session gauge; sessions themselves expire in
 * Redis by their TTL whether this runs or not. An application replaces it with a bean of this
 * type of its own, for example with another interval.
 *
 * @author redisboot
 */
public final class SessionCleanup implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(SessionCleanup.class);

	private final RedisbootSessionRepository repository;

	private final Duration interval;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private @Nullable ScheduledExecutorService executor;

	/**
	 * Creates a clean-up.
	 * @param repository the repository
	 * @param interval how often to run
	 */
	public SessionCleanup(RedisbootSessionRepository repository, Duration interval) {
		this.repository = repository;
		this.interval = interval;
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "redisboot-session-cleanup");
			thread.setDaemon(true);
			return thread;
		});
		long period = this.interval.toMillis();
		executor.scheduleWithFixedDelay(this::cleanUp, ThreadLocalRandom.current().nextLong(period), period,
				TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	private void cleanUp() {
		try {
			this.repository.cleanUpExpiredSessions();
		}
		catch (RuntimeException ex) {
			this.warnOnce.warn(ex.getClass().getName(), "Expired sessions could not be counted: " + ex.getMessage(),
					ex);
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

package dev.redisboot.session;

import java.time.Duration;

import dev.redisboot.core.PeriodicTask;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
public final class SessionCleanup extends PeriodicTask {

	private static final Log logger = LogFactory.getLog(SessionCleanup.class);

	private final RedisbootSessionRepository repository;

	/**
	 * Creates a clean-up.
	 * @param repository the repository
	 * @param interval how often to run
	 */
	public SessionCleanup(RedisbootSessionRepository repository, Duration interval) {
		super("redisboot-session-cleanup", interval, logger);
		this.repository = repository;
	}

	@Override
	protected void runOnce() {
		this.repository.cleanUpExpiredSessions();
	}

	@Override
	protected String failureDescription() {
		return "Expired sessions could not be counted";
	}

}

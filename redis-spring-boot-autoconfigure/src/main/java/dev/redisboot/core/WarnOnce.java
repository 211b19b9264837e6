package dev.redisboot.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

/**
 * Logs a problem at WARN the first time it is seen and at DEBUG afterwards, so a recurring
 * problem (values of an old class shape, a type that cannot be cached) leaves one clear line in the log
 * instead of one per request. Counters carry the rate.
 */
public final class WarnOnce {

	private final Log logger;

	private final Set<String> seen = ConcurrentHashMap.newKeySet();

	/**
	 * Creates a logger wrapper.
	 * @param logger the logger to write to
	 */
	public WarnOnce(Log logger) {
		this.logger = logger;
	}

	/**
	 * Logs a problem: at WARN the first time this kind of problem is seen, at DEBUG after that.
	 * @param problem what kind of problem this is, for example a cause's class name
	 * @param message the message
	 * @param cause the exception, if any
	 */
	public void warn(String problem, String message, @Nullable Throwable cause) {
		if (this.seen.add(problem)) {
			this.logger.warn(message + " (logged once; later occurrences are counted and logged at DEBUG)", cause);
		}
		else if (this.logger.isDebugEnabled()) {
			this.logger.debug(message, cause);
		}
	}

}

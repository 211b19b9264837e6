package dev.redisboot.session;

import dev.redisboot.core.WarnOnce;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.session.MapSession;
import org.springframework.session.Session;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

/**
 * Tells what happened to sessions: counts it in {@link SessionMetrics}, publishes Spring
 * Session's events (with the repository as their source) and logs a recurring problem once.
 * Logs under {@link RedisbootSessionRepository}'s name, so that one logger configures the
 * whole repository.
 *
 * @author redisboot
 */
final class SessionReporter {

	/**
	 * Faults, as tagged in {@code redisboot.sessions.faults}.
	 */
	static final String WRONG_TYPE = "wrong-type";

	static final String NOPERM = "noperm";

	static final String COMMAND_ERROR = "command-error";

	static final String DELETED = "deleted";

	static final String ID_UNAVAILABLE = "id-unavailable";

	static final Log logger = LogFactory.getLog(RedisbootSessionRepository.class);

	private final Object source;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private volatile SessionMetrics metrics = SessionMetrics.NONE;

	private volatile ApplicationEventPublisher eventPublisher = (event) -> {
	};

	/**
	 * Creates a reporter.
	 * @param source the source of the events: the repository
	 */
	SessionReporter(Object source) {
		this.source = source;
	}

	void setMetrics(SessionMetrics metrics) {
		this.metrics = metrics;
	}

	void setEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	void created(Session session) {
		this.metrics.created();
		publish(new SessionCreatedEvent(this.source, session));
	}

	/**
	 * A session was deleted: by its user, revoked, or replaced by its new id.
	 * @param id its id, or its handle when the id is not known
	 */
	void deleted(String id) {
		publish(new SessionDeletedEvent(this.source, new MapSession(id)));
	}

	void invalidated(String id) {
		this.metrics.invalidated();
		deleted(id);
	}

	void revoked(String reason, int count) {
		this.metrics.revoked(reason, count);
	}

	/**
	 * A session was found expired; its id is gone from Redis with it.
	 * @param handle its handle
	 */
	void expired(String handle) {
		publish(new SessionExpiredEvent(this.source, new MapSession(handle)));
	}

	void expiredCount(int count) {
		this.metrics.expired(count);
	}

	/**
	 * A Redis call of the sessions failed because Redis was unavailable, or was not sent
	 * because the circuit breaker was open.
	 * @param shortCircuited whether the breaker kept the call from Redis
	 */
	void unavailable(boolean shortCircuited) {
		this.metrics.unavailable(shortCircuited);
	}

	void unreadable(UnreadableSessionException ex) {
		this.metrics.unreadable(ex.getKind());
		this.warnOnce.warn(ex.getKind().tag(), "A stored session could not be read (" + ex.getKind().tag() + "): "
				+ ex.getMessage() + ". The request continues with a new session; counted in "
				+ "redisboot.sessions.deserialization.failures", null);
	}

	/**
	 * Counts a fault and logs it once per family and kind, in one line without a stack trace
	 * and without the server's message, which may quote a key name.
	 */
	void fault(String family, @Nullable String fault, String operation, @Nullable Throwable cause) {
		String kind = (fault != null) ? fault : COMMAND_ERROR;
		this.metrics.fault(family, kind);
		this.warnOnce.warn(family + "/" + kind,
				"Session " + operation + " met a fault in the " + family + " keys (" + kind + ": " + describe(kind)
						+ "); the request goes on without it. Counted in redisboot.sessions.faults{family=" + family
						+ ",fault=" + kind + "}" + ((cause != null) ? " [" + cause.getClass().getSimpleName() + "]" : ""),
				null);
	}

	private static String describe(String fault) {
		return switch (fault) {
			case WRONG_TYPE -> "a key of another Redis type, replaced";
			case NOPERM -> "the Redis user may not access these keys; check its ACL key patterns";
			case DELETED -> "the session was deleted or revoked while a request was using it, its changes dropped";
			case ID_UNAVAILABLE -> "a session whose encrypted id is missing or undecryptable, left out until it is used";
			default -> "Redis answered with an error";
		};
	}

	private void publish(ApplicationEvent event) {
		try {
			this.eventPublisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.warn("A session event listener failed", ex);
		}
	}

}

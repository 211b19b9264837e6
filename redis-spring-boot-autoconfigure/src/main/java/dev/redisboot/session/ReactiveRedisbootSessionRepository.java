package dev.redisboot.session;

import reactor.core.publisher.Mono;

import org.springframework.session.FlushMode;
import org.springframework.session.ReactiveSessionRepository;
import org.springframework.util.Assert;

/**
 * Spring Session's {@code ReactiveSessionRepository} for WebFlux applications, on the same
 * storage as {@link RedisbootSessionRepository}: the same keys, hash fields, JSON
 * attributes, encryption, principal index and scripts, so a session written by a servlet
 * instance is read by a reactive one and back. It is a non-blocking front of a
 * {@code RedisbootSessionRepository}, which holds the settings and runs the same steps on
 * Lettuce's asynchronous API without waiting: a request costs two Redis round trips, one
 * {@code HGETALL} to read its session and one script to write what changed and slide the
 * expiry.
 * <p>
 * Everything the servlet repository guarantees holds here: an unreadable session is no
 * session (counted, logged once), a key of the wrong Redis type is replaced, a command
 * Redis refuses drops the step and is counted, a revoked session is never written back by a
 * request that was using it, and a new id (session fixation protection) keeps at most one
 * copy. An unavailable Redis fails the request with a {@code RedisCommandException}, which
 * {@link ReactiveSessionUnavailableFilter} answers with HTTP 503.
 * <p>
 * Listing and revoking a principal's sessions ({@link PrincipalSessions}) is the underlying
 * repository's, a blocking API: call it off the event loop, for example with
 * {@code Mono.fromCallable(...).subscribeOn(Schedulers.boundedElastic())}.
 *
 * @author redisboot
 */
public final class ReactiveRedisbootSessionRepository implements ReactiveSessionRepository<RedisbootSession> {

	private final RedisbootSessionRepository sessions;

	/**
	 * Creates a repository on the storage, settings and metrics of a servlet repository,
	 * whose flush mode becomes {@link FlushMode#ON_SAVE}: a reactive session is written when
	 * the response is committed, never from a setter, which would block.
	 * @param sessions the repository that holds the settings and the storage
	 */
	public ReactiveRedisbootSessionRepository(RedisbootSessionRepository sessions) {
		Assert.notNull(sessions, "'sessions' must not be null");
		this.sessions = sessions;
		sessions.setFlushMode(FlushMode.ON_SAVE);
		SessionScripts.load();
	}

	/**
	 * The repository whose storage and settings this one uses; also the application's
	 * {@link PrincipalSessions} (blocking).
	 * @return the repository
	 */
	public RedisbootSessionRepository getSessionRepository() {
		return this.sessions;
	}

	@Override
	public Mono<RedisbootSession> createSession() {
		return Mono.fromSupplier(this.sessions::createSession);
	}

	@Override
	public Mono<Void> save(RedisbootSession session) {
		return Mono.fromFuture(() -> this.sessions.saveAsync(session), true).then();
	}

	/**
	 * Finds a session by id: empty if there is none, it cannot be read, or it has expired
	 * (it is deleted then).
	 */
	@Override
	public Mono<RedisbootSession> findById(String id) {
		return Mono.fromFuture(() -> this.sessions.findAsync(id), true);
	}

	/**
	 * Deletes a session; nothing happens for an id that has no session. Publishes a
	 * {@code SessionDeletedEvent} with the id.
	 */
	@Override
	public Mono<Void> deleteById(String id) {
		return Mono.fromFuture(() -> this.sessions.deleteAsync(id), true).then();
	}

}

package dev.redisboot.session;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.codec.EncryptionKeyRing;
import dev.redisboot.core.codec.ValueEnvelope;
import dev.redisboot.core.json.TypedJsonSerializer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.session.SessionCommands.Failure;
import dev.redisboot.session.SessionReader.StoredSession;
import io.lettuce.core.ScoredValue;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.SaveMode;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.UuidSessionIdGenerator;
import org.springframework.util.Assert;

import static dev.redisboot.session.SessionKeys.EXPIRATIONS_FAMILY;
import static dev.redisboot.session.SessionKeys.SESSION_FAMILY;

/**
 * A Spring Session repository on Redis that costs two round trips per request (one
 * {@code HGETALL} to read the session, one script to write what changed and slide its
 * expiry), where Spring Session's {@code RedisSessionRepository} needs four before the
 * response and two more after it (its filter saves twice and looks the session up again).
 *
 * <h2>Keys</h2>
 * No key name holds a session id or a principal name: a session id is the credential that
 * the cookie carries, so it stands in Redis only as its <em>handle</em>, a keyed digest
 * ({@link KeyDigester}, domain {@code session}); a principal name only as a keyed digest
 * (domain {@code session-principal}). With the namespace {@code N} (by default
 * {@code session}, after redisboot's key prefix):
 * <ul>
 * <li>{@code N:sessions:<handle>}, a hash of {@code creationTime}, {@code lastAccessedTime}
 * (epoch milliseconds), {@code maxInactiveInterval} (seconds) and {@code sessionAttr:<name>}
 * (JSON), expiring with the session, as Spring Session lays it out; with an application key
 * also {@code redisboot:id}, the session id encrypted with AES-GCM (bound to the key name),
 * so that {@link #findByIndexNameAndIndexValue} can return ids;</li>
 * <li>{@code N:principals:<digest of the principal name>}, a sorted set of the principal's
 * session handles scored by creation time. It expires after the last of them, and members
 * whose session is gone are removed whenever it is read or written, so nothing leaks when
 * sessions expire silently. No keyspace notifications are needed, which managed Redis
 * often refuses, and on Cluster none are lost;</li>
 * <li>{@code N:expirations}, a sorted set of all session handles scored by an expiry time
 * that is never later than the real one, from which a periodic clean-up counts expired
 * sessions and which gives the active-session count with one {@code ZCARD}.</li>
 * </ul>
 * Every command touches one key, so the layout works unchanged on Redis Cluster.
 *
 * <h2>Revoked sessions stay revoked</h2>
 * A save of a session that is not new writes only if the session's hash still exists, and
 * of all requests that give one session a new id only one keeps its copy, so at most one
 * copy of a session lives on, and never one that was revoked.
 *
 * <h2>Unreadable sessions and hostile state</h2>
 * A session whose bytes cannot be read back (a class that changed across a deploy, a type
 * outside the allowlist, corrupt bytes, a missing encryption key) is treated as no session:
 * the user gets a new one, the failure is counted per cause and logged once per cause. The
 * stored session is left to expire, so an instance of the previous version can still read
 * it during a rolling deploy. A key of the wrong Redis type is deleted (a principal index
 * or the expiration set is rebuilt), and a command that Redis refuses ({@code NOPERM},
 * another error reply) drops the session or the bookkeeping step; both are counted in
 * {@code redisboot.sessions.faults{family,fault}} and logged once. Only an unreachable
 * Redis fails the request, with HTTP 503 (by {@link SessionRequestScopeFilter}); after
 * consecutive failures a circuit breaker fails such requests at once instead of letting
 * each wait for the timeout, and lets one call at a time probe whether Redis is back.
 *
 * <h2>Design</h2>
 * This class holds the {@code SessionRepository} and {@code PrincipalSessions} contracts and
 * the settings; the work is done by package-private collaborators that never call back:
 * {@link RedisbootSession} (the session and its changes) and its {@code SessionSaver},
 * {@code SessionReader}, {@code PrincipalIndex}, {@code SessionExpirations}, the request
 * scope, and beneath them {@code SessionCommands} (Redis, scripts, faults),
 * {@code SessionKeys} (the key layout) and {@code SessionReporter} (metrics, events, log).
 *
 * @author redisboot
 */
public final class RedisbootSessionRepository
		implements FindByIndexNameSessionRepository<RedisbootSession>, PrincipalSessions, ApplicationEventPublisherAware {

	private final SessionKeys keys;

	private final SessionReporter reporter;

	private final SessionCommands commands;

	private final SessionIdCipher ids;

	private final RequestScopedSessions scope = new RequestScopedSessions();

	private final SessionReader reader;

	private final PrincipalIndex index;

	private final SessionExpirations expirations;

	private final SessionSaver saver;

	private volatile Duration defaultMaxInactiveInterval = MapSession.DEFAULT_MAX_INACTIVE_INTERVAL;

	private volatile RedisbootSession.Options options = new RedisbootSession.Options(FlushMode.ON_SAVE,
			SaveMode.ON_SET_ATTRIBUTE, UuidSessionIdGenerator.getInstance());

	/**
	 * Creates a repository.
	 * @param redis the commands, on the application's connection
	 * @param json how attribute values become JSON (an allowlist of types)
	 * @param attributeEnvelope how attribute values are stored: {@link ValueEnvelope#defaults()}
	 * for plain JSON, or one {@linkplain ValueEnvelope#withEncryption encrypting} them. Either
	 * reads plain JSON, so encryption can be switched on without signing everyone out.
	 * @param namespace the start of every key, such as {@code prod:session}
	 * @param keyDigester how session ids and principal names become key names
	 */
	public RedisbootSessionRepository(LettuceCommands redis, TypedJsonSerializer json, ValueEnvelope attributeEnvelope,
			String namespace, KeyDigester keyDigester) {
		this(redis, json, attributeEnvelope, namespace, keyDigester, Clock.systemUTC());
	}

	RedisbootSessionRepository(LettuceCommands redis, TypedJsonSerializer json, ValueEnvelope attributeEnvelope,
			String namespace, KeyDigester keyDigester, Clock clock) {
		SessionAttributeCodec codec = new SessionAttributeCodec(json, attributeEnvelope);
		this.keys = new SessionKeys(namespace, keyDigester);
		this.reporter = new SessionReporter(this);
		this.commands = new SessionCommands(redis, this.reporter);
		this.ids = new SessionIdCipher(this.keys);
		this.reader = new SessionReader(this.commands, this.keys, codec, this.ids, this.reporter);
		this.index = new PrincipalIndex(this.commands, this.keys, this.ids, this.scope, this.reporter);
		this.expirations = new SessionExpirations(this.commands, this.keys, this.reporter, clock);
		this.saver = new SessionSaver(this.commands, this.keys, codec, this.ids, this.index, this.scope,
				this.reporter);
	}

	/**
	 * Sets the key with which session ids are stored encrypted, so that
	 * {@link #findByIndexNameAndIndexValue} (and with it Spring Security's session registry)
	 * can return them. Without one, ids are not stored at all and that method fails.
	 * @param keyRing the keys, {@code null} for none
	 */
	public void setSessionIdKeyRing(@Nullable EncryptionKeyRing keyRing) {
		this.ids.setKeyRing(keyRing);
	}

	/**
	 * Sets the session timeout of new sessions (sliding: counted from the last request).
	 * @param defaultMaxInactiveInterval the timeout
	 */
	public void setDefaultMaxInactiveInterval(Duration defaultMaxInactiveInterval) {
		Assert.notNull(defaultMaxInactiveInterval, "'defaultMaxInactiveInterval' must not be null");
		this.defaultMaxInactiveInterval = defaultMaxInactiveInterval;
	}

	/**
	 * Sets the start of every key.
	 * @param namespace the namespace, without a trailing colon
	 */
	public void setRedisKeyNamespace(String namespace) {
		this.keys.setNamespace(namespace);
	}

	/**
	 * Sets when changes are written: at the end of the request, or at once.
	 * @param flushMode the flush mode
	 */
	public void setFlushMode(FlushMode flushMode) {
		Assert.notNull(flushMode, "'flushMode' must not be null");
		RedisbootSession.Options current = this.options;
		this.options = new RedisbootSession.Options(flushMode, current.saveMode(), current.idGenerator());
	}

	/**
	 * Sets which attributes are written: those set, also those read, or all.
	 * @param saveMode the save mode
	 */
	public void setSaveMode(SaveMode saveMode) {
		Assert.notNull(saveMode, "'saveMode' must not be null");
		RedisbootSession.Options current = this.options;
		this.options = new RedisbootSession.Options(current.flushMode(), saveMode, current.idGenerator());
	}

	/**
	 * Sets how session ids are made.
	 * @param sessionIdGenerator the generator
	 */
	public void setSessionIdGenerator(SessionIdGenerator sessionIdGenerator) {
		Assert.notNull(sessionIdGenerator, "'sessionIdGenerator' must not be null");
		RedisbootSession.Options current = this.options;
		this.options = new RedisbootSession.Options(current.flushMode(), current.saveMode(), sessionIdGenerator);
	}

	/**
	 * Sets the most sessions a principal may have at once; when a sign-in goes over, the
	 * oldest sessions are revoked.
	 * @param maxSessionsPerPrincipal the maximum, 0 for no limit
	 */
	public void setMaxSessionsPerPrincipal(int maxSessionsPerPrincipal) {
		Assert.isTrue(maxSessionsPerPrincipal >= 0, "'maxSessionsPerPrincipal' must not be negative");
		this.index.setMaxSessionsPerPrincipal(maxSessionsPerPrincipal);
	}

	/**
	 * Sets the metrics.
	 * @param metrics the metrics
	 */
	public void setMetrics(SessionMetrics metrics) {
		this.reporter.setMetrics(metrics);
	}

	/**
	 * Sets the circuit breaker that every Redis call of the sessions goes through (by
	 * default one that opens after 3 consecutive failures, for 5 s). While it is open, a
	 * call fails at once with an unavailable {@code RedisCommandException}, as it would
	 * after the timeout, and the request that made it is answered with HTTP 503.
	 * @param circuitBreaker the breaker, used by the sessions only
	 */
	public void setCircuitBreaker(RedisCircuitBreaker circuitBreaker) {
		Assert.notNull(circuitBreaker, "'circuitBreaker' must not be null");
		this.commands.setCircuitBreaker(circuitBreaker);
	}

	/**
	 * The circuit breaker that every Redis call of the sessions goes through.
	 * @return the breaker
	 */
	public RedisCircuitBreaker getCircuitBreaker() {
		return this.commands.getCircuitBreaker();
	}

	/**
	 * Sets how long the active-session count is reused before it is read again.
	 * @param activeCountMaxAge the age
	 */
	public void setActiveCountMaxAge(Duration activeCountMaxAge) {
		this.expirations.setActiveCountMaxAge(activeCountMaxAge);
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.reporter.setEventPublisher(eventPublisher);
	}

	/**
	 * Returns the namespace every key starts with.
	 * @return the namespace
	 */
	public String getRedisKeyNamespace() {
		return this.keys.namespace();
	}

	/**
	 * Whether session ids are stored encrypted, so that
	 * {@link #findByIndexNameAndIndexValue} can return them.
	 * @return whether an application key for session ids is configured
	 */
	public boolean canReturnSessionIds() {
		return this.ids.isEnabled();
	}

	@Override
	public String sessionHandle(String sessionId) {
		return this.keys.handle(sessionId);
	}

	@Override
	public RedisbootSession createSession() {
		RedisbootSession.Options options = this.options;
		MapSession cached = new MapSession(options.idGenerator());
		cached.setMaxInactiveInterval(this.defaultMaxInactiveInterval);
		RedisbootSession session = new RedisbootSession(cached, true, null, 0, true, options, this.saver);
		session.flushIfRequired();
		return session;
	}

	@Override
	public void save(RedisbootSession session) {
		session.save();
	}

	/**
	 * Finds a session by id, as {@code SessionRepository} specifies: {@code null} if there is
	 * none, and for a session that has expired, which is deleted then.
	 */
	@Override
	public @Nullable RedisbootSession findById(String id) {
		if (!SessionKeys.isPlausibleId(id)) {
			return null;
		}
		return this.scope.find(id, (plausible) -> sessionOrNull(this.reader.load(plausible)));
	}

	/**
	 * Finds a session by id without waiting, as {@link #findById} does: for the reactive
	 * repository, outside any request scope.
	 */
	CompletableFuture<@Nullable RedisbootSession> findAsync(String id) {
		if (!SessionKeys.isPlausibleId(id)) {
			return CompletableFuture.completedFuture(null);
		}
		return this.reader.loadAsync(id).thenApply(this::sessionOrNull);
	}

	/**
	 * Saves a session without waiting, as {@link #save} does: for the reactive repository.
	 */
	CompletableFuture<@Nullable Void> saveAsync(RedisbootSession session) {
		return this.saver.saveAsync(session, RequestScopedSessions.Scope.NONE);
	}

	private @Nullable RedisbootSession sessionOrNull(@Nullable StoredSession stored) {
		return (stored != null) ? session(stored) : null;
	}

	private RedisbootSession session(StoredSession stored) {
		return new RedisbootSession(stored.session(), false, stored.principal(), stored.indexExpiry(),
				stored.idStored(), this.options, this.saver);
	}

	/**
	 * Deletes a session, as {@code SessionRepository} specifies: nothing happens for an id
	 * that has no session. Publishes a {@code SessionDeletedEvent} with the id.
	 */
	@Override
	public void deleteById(String id) {
		if (!SessionKeys.isPlausibleId(id)) {
			return;
		}
		this.scope.forget(id);
		this.commands.await(deleteAsync(id));
	}

	/**
	 * Deletes a session without waiting: what both repositories run.
	 */
	CompletableFuture<@Nullable Void> deleteAsync(String id) {
		if (!SessionKeys.isPlausibleId(id)) {
			return CompletableFuture.completedFuture(null);
		}
		String handle = this.keys.handle(id);
		return this.commands
			.settledPipelineAsync((commands) -> List.of(commands.del(this.keys.sessionKey(handle)),
					commands.zrem(this.keys.expirationsKey(), SessionKeys.bytes(handle))))
			.thenAccept((results) -> {
				if (results.get(1) instanceof Failure failure) {
					this.commands.fault(EXPIRATIONS_FAMILY, failure, "delete");
				}
				if (results.get(0) instanceof Failure failure) {
					this.commands.fault(SESSION_FAMILY, failure, "delete");
				}
				else if (((Long) results.get(0)) > 0) {
					this.reporter.invalidated(id);
				}
			});
	}

	/**
	 * Finds the sessions of a principal, as {@code FindByIndexNameSessionRepository}
	 * specifies, for {@link #PRINCIPAL_NAME_INDEX_NAME} (an empty map for any other index).
	 * Session ids are stored only encrypted, so this needs an application key.
	 * @throws IllegalStateException if no key for session ids is configured: the message
	 * names the properties
	 */
	@Override
	public Map<String, RedisbootSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
		if (!PRINCIPAL_NAME_INDEX_NAME.equals(indexName)) {
			return Map.of();
		}
		if (!this.ids.isEnabled()) {
			throw new IllegalStateException("Finding sessions by principal name returns session ids, which redisboot "
					+ "stores in Redis only encrypted with an application key, and none is configured. Set "
					+ KeyDigester.SECRET_PROPERTY + " (or redisboot.session.encryption.keys); sessions are then "
					+ "found once they have been used. PrincipalSessions (findSessions, revokeSessions) needs no key.");
		}
		byte[] indexKey = this.keys.principalKey(indexValue);
		List<byte[]> handles = this.index.members(indexKey).stream().map(ScoredValue::getValue).toList();
		if (handles.isEmpty()) {
			return Map.of();
		}
		List<byte[]> gone = new ArrayList<>();
		Map<String, RedisbootSession> sessions = new LinkedHashMap<>();
		this.reader.readAll(handles, gone).forEach((id, stored) -> sessions.put(id, session(stored)));
		this.index.prune(indexKey, gone);
		return sessions;
	}

	@Override
	public List<SessionSummary> findSessions(String principalName) {
		return this.index.findSessions(principalName);
	}

	@Override
	public int revokeSessions(String principalName) {
		return this.index.revoke(principalName, null);
	}

	@Override
	public int revokeOtherSessions(String principalName, String keptSessionId) {
		Assert.notNull(keptSessionId, "'keptSessionId' must not be null");
		return this.index.revoke(principalName, this.keys.handle(keptSessionId));
	}

	/**
	 * Revokes one session of a principal.
	 * @param principalName the principal's name
	 * @param session the session's handle, as {@link SessionSummary#handle()} gives it, or
	 * its id
	 */
	@Override
	public boolean revokeSession(String principalName, String session) {
		return this.index.revokeOne(principalName, session);
	}

	/**
	 * Finds sessions that expired, counts them once across all instances, and removes them
	 * from the expiration set; sessions that were used since are moved to their new expiry.
	 * Called periodically by every instance; safe to run concurrently. Its
	 * {@code SessionExpiredEvent}s carry the session's handle, not its id, which is gone
	 * from Redis with the session.
	 * @return how many expired sessions this call found
	 */
	public int cleanUpExpiredSessions() {
		return this.expirations.cleanUp();
	}

	/**
	 * Returns the number of sessions in Redis that have not been found expired yet, across
	 * all instances: one {@code ZCARD}, reused for a few seconds, so scraping it often costs
	 * Redis nothing noticeable.
	 * @return the count, {@code NaN} if it could never be read
	 */
	public double getActiveSessionCount() {
		return this.expirations.activeCount();
	}

	/**
	 * Runs a request in which repeated look-ups of a session are answered from memory:
	 * Spring Session's filter asks for the requested session again when it commits (once
	 * when the response is committed, once more when the filter ends), which would cost one
	 * {@code HGETALL} each. Outside a request scope every look-up reads Redis.
	 * @param request the request's processing
	 * @throws Exception whatever the request throws
	 */
	public void inRequestScope(RequestProcessing request) throws Exception {
		if (!this.scope.open()) {
			request.proceed();
			return;
		}
		try {
			request.proceed();
		}
		finally {
			this.scope.close();
		}
	}

	/**
	 * The processing of one request.
	 */
	@FunctionalInterface
	public interface RequestProcessing {

		/**
		 * Processes the request.
		 * @throws Exception whatever processing throws
		 */
		void proceed() throws Exception;

	}

	// key names, for tests that look at what Redis holds

	String sessionKey(String id) {
		return this.keys.sessionKeyOfHandle(this.keys.handle(id));
	}

	/**
	 * Samples the principal indexes ({@link PrincipalIndex#sample}).
	 */
	PrincipalIndex.PrincipalSample samplePrincipals(int maxKeys, int top) {
		return this.index.sample(maxKeys, top);
	}

	String principalKey(String principalName) {
		return this.keys.principalKeyOfDigest(this.keys.principalDigest(principalName));
	}

	String principalDigest(String principalName) {
		return this.keys.principalDigest(principalName);
	}

	String expirationsKey() {
		return this.keys.expirationsKeyName();
	}

}

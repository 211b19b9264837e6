package dev.redisboot.session;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.codec.EncryptionKeyRing;
import dev.redisboot.core.codec.ValueDecodingException;
import dev.redisboot.core.codec.ValueEnvelope;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.LettuceCommands.Script;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.session.UnreadableSessionException.Cause;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.ZAddArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.PrincipalNameIndexResolver;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;
import org.springframework.session.SessionIdGenerator;
import org.springframework.session.UuidSessionIdGenerator;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;
import org.springframework.util.Assert;

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
 * A save of a session that is not new writes only if the session's hash still exists. A
 * new session id (session fixation protection) is written under the new handle and
 * indexed first, then the old hash is deleted; only the save whose {@code DEL} removed it
 * keeps its copy, every other (a concurrent id change, or one after a revocation or
 * delete) removes what it wrote. So at most one copy of a session lives on, and never one
 * that was revoked.
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
 * Redis fails the request.
 *
 * @author redisboot
 */
public final class RedisbootSessionRepository
		implements FindByIndexNameSessionRepository<RedisbootSessionRepository.RedisbootSession>, PrincipalSessions,
		ApplicationEventPublisherAware {

	// rounds of a revocation: each later one finds only sessions that id changes moved meanwhile
	private static final int MAX_REVOCATION_ROUNDS = 5;

	static final String CREATION_TIME = "creationTime";

	static final String LAST_ACCESSED_TIME = "lastAccessedTime";

	static final String MAX_INACTIVE_INTERVAL = "maxInactiveInterval";

	static final String ATTRIBUTE_PREFIX = "sessionAttr:";

	static final String PRINCIPAL = "redisboot:principal";

	static final String INDEX_EXPIRY = "redisboot:indexExpiry";

	static final String SESSION_ID = "redisboot:id";

	/**
	 * {@link KeyDigester} domain of session handles.
	 */
	static final String SESSION_DOMAIN = "session";

	/**
	 * {@link KeyDigester} domain of principal names.
	 */
	static final String PRINCIPAL_DOMAIN = "session-principal";

	/**
	 * Key families, as tagged in {@code redisboot.sessions.faults}.
	 */
	static final String SESSION_FAMILY = "session";

	static final String INDEX_FAMILY = "principal-index";

	static final String EXPIRATIONS_FAMILY = "expirations";

	/**
	 * Faults, as tagged in {@code redisboot.sessions.faults}.
	 */
	static final String WRONG_TYPE = "wrong-type";

	static final String NOPERM = "noperm";

	static final String COMMAND_ERROR = "command-error";

	static final String DELETED = "deleted";

	static final String ID_UNAVAILABLE = "id-unavailable";

	private static final Log logger = LogFactory.getLog(RedisbootSessionRepository.class);

	private static final int MAX_ID_LENGTH = 256;

	private static final int HANDLE_LENGTH = 32;

	private static final int CLEANUP_BATCH = 500;

	private static final double NEVER = (double) Long.MAX_VALUE;

	/**
	 * Writes a session's changed fields and slides its expiry in one step. A session that
	 * is not new is only written if its hash still exists: a revoked or expired session must
	 * not come back because a request that was using it finished later. A full write
	 * replaces whatever the key held. KEYS[1] session hash; ARGV[1] '1' for a full write;
	 * ARGV[2] TTL in ms, 0 for none; ARGV[3] the number n of fields to set; then n
	 * field/value pairs; then fields to delete. Returns 1 if written, 0 if the session is
	 * gone.
	 */
	static final Script SAVE = Script.of("""
			local t = redis.call('TYPE', KEYS[1]).ok
			if ARGV[1] == '0' then
				if t ~= 'hash' then return 0 end
			elseif t ~= 'none' then
				redis.call('DEL', KEYS[1])
			end
			local n = tonumber(ARGV[3])
			if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 4, 3 + 2 * n)) end
			if #ARGV > 3 + 2 * n then redis.call('HDEL', KEYS[1], unpack(ARGV, 4 + 2 * n)) end
			local ttl = tonumber(ARGV[2])
			if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) else redis.call('PERSIST', KEYS[1]) end
			return 1
			""");

	/**
	 * Adds a session to its principal's index and makes the index live at least as long as
	 * asked, never shorter than it already does. A key of another type is replaced. KEYS[1]
	 * index; ARGV[1] session handle; ARGV[2] creation time; ARGV[3] TTL in ms, 0 for none;
	 * ARGV[4] '1' to return the members. Returns 1 if the key had to be replaced, else 0,
	 * then the members and their scores if asked for.
	 */
	static final Script INDEX = Script.of("""
			local t = redis.call('TYPE', KEYS[1]).ok
			local result = { 0 }
			if t ~= 'zset' and t ~= 'none' then
				redis.call('DEL', KEYS[1])
				result[1] = 1
			end
			redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
			local ttl = tonumber(ARGV[3])
			if ttl <= 0 then redis.call('PERSIST', KEYS[1])
			elseif redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
			if ARGV[4] == '1' then
				local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
				for i = 1, #members do result[#result + 1] = members[i] end
			end
			return result
			""");

	/**
	 * Adds a member to a sorted set, replacing a key of another type. KEYS[1] the set;
	 * ARGV[1] score; ARGV[2] member. Returns 1 if the key had to be replaced, else 0.
	 */
	static final Script ADD = Script.of("""
			local t = redis.call('TYPE', KEYS[1]).ok
			local replaced = 0
			if t ~= 'zset' and t ~= 'none' then
				redis.call('DEL', KEYS[1])
				replaced = 1
			end
			redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
			return replaced
			""");

	/**
	 * Deletes a session's hash under its old id and says whether it was there: of all
	 * requests that change the id of one session, only the first wins. A key of another type
	 * is deleted too, but does not count as the session. KEYS[1] the old session key.
	 * Returns 1 if a session hash was deleted.
	 */
	static final Script CLAIM = Script.of("""
			local t = redis.call('TYPE', KEYS[1]).ok
			if t == 'none' then return 0 end
			redis.call('DEL', KEYS[1])
			if t == 'hash' then return 1 end
			return 0
			""");

	/**
	 * Deletes a key if it holds another type than expected, so that a value planted or
	 * corrupted under a session key family is replaced instead of failing every request.
	 * KEYS[1] the key; ARGV[1] the expected type. Returns 1 if deleted.
	 */
	static final Script REPAIR = Script.of("""
			local t = redis.call('TYPE', KEYS[1]).ok
			if t ~= ARGV[1] and t ~= 'none' then
				redis.call('DEL', KEYS[1])
				return 1
			end
			return 0
			""");

	private final LettuceCommands redis;

	private final SessionAttributeCodec codec;

	private final KeyDigester keyDigester;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private final PrincipalNameIndexResolver<MapSession> principalResolver = new PrincipalNameIndexResolver<>();

	private final Clock clock;

	private String namespace;

	private @Nullable ValueEnvelope idCipher;

	private Duration defaultMaxInactiveInterval = MapSession.DEFAULT_MAX_INACTIVE_INTERVAL;

	private FlushMode flushMode = FlushMode.ON_SAVE;

	private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;

	private SessionIdGenerator sessionIdGenerator = UuidSessionIdGenerator.getInstance();

	private int maxSessionsPerPrincipal;

	private SessionMetrics metrics = SessionMetrics.NONE;

	private ApplicationEventPublisher eventPublisher = (event) -> {
	};

	private Duration activeCountMaxAge = Duration.ofSeconds(10);

	private final ThreadLocal<@Nullable Map<String, Optional<RedisbootSession>>> requestScope = new ThreadLocal<>();

	private volatile double activeCount = Double.NaN;

	private volatile boolean activeCountRead;

	private volatile long activeCountReadAt;

	/**
	 * Creates a repository whose key names hold digests without a secret.
	 * @param redis the commands, on the application's connection
	 * @param codec how attribute values are stored
	 * @param namespace the start of every key, such as {@code prod:session}
	 */
	public RedisbootSessionRepository(LettuceCommands redis, SessionAttributeCodec codec, String namespace) {
		this(redis, codec, namespace, KeyDigester.unkeyed());
	}

	/**
	 * Creates a repository.
	 * @param redis the commands, on the application's connection
	 * @param codec how attribute values are stored
	 * @param namespace the start of every key, such as {@code prod:session}
	 * @param keyDigester how session ids and principal names become key names
	 */
	public RedisbootSessionRepository(LettuceCommands redis, SessionAttributeCodec codec, String namespace,
			KeyDigester keyDigester) {
		this(redis, codec, namespace, keyDigester, Clock.systemUTC());
	}

	RedisbootSessionRepository(LettuceCommands redis, SessionAttributeCodec codec, String namespace,
			KeyDigester keyDigester, Clock clock) {
		this.redis = redis;
		this.codec = codec;
		this.keyDigester = keyDigester;
		this.clock = clock;
		setRedisKeyNamespace(namespace);
	}

	/**
	 * Sets the key with which session ids are stored encrypted, so that
	 * {@link #findByIndexNameAndIndexValue} (and with it Spring Security's session registry)
	 * can return them. Without one, ids are not stored at all and that method fails.
	 * @param keyRing the keys, {@code null} for none
	 */
	public void setSessionIdKeyRing(@Nullable EncryptionKeyRing keyRing) {
		this.idCipher = (keyRing != null)
				? ValueEnvelope.defaults().withEncryption(keyRing).withEncryptionRequired(true) : null;
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
		Assert.hasText(namespace, "'namespace' must not be empty");
		String trimmed = namespace.trim();
		this.namespace = trimmed.endsWith(":") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
	}

	/**
	 * Sets when changes are written: at the end of the request, or at once.
	 * @param flushMode the flush mode
	 */
	public void setFlushMode(FlushMode flushMode) {
		Assert.notNull(flushMode, "'flushMode' must not be null");
		this.flushMode = flushMode;
	}

	/**
	 * Sets which attributes are written: those set, also those read, or all.
	 * @param saveMode the save mode
	 */
	public void setSaveMode(SaveMode saveMode) {
		Assert.notNull(saveMode, "'saveMode' must not be null");
		this.saveMode = saveMode;
	}

	/**
	 * Sets how session ids are made.
	 * @param sessionIdGenerator the generator
	 */
	public void setSessionIdGenerator(SessionIdGenerator sessionIdGenerator) {
		Assert.notNull(sessionIdGenerator, "'sessionIdGenerator' must not be null");
		this.sessionIdGenerator = sessionIdGenerator;
	}

	/**
	 * Sets the most sessions a principal may have at once; when a sign-in goes over, the
	 * oldest sessions are revoked.
	 * @param maxSessionsPerPrincipal the maximum, 0 for no limit
	 */
	public void setMaxSessionsPerPrincipal(int maxSessionsPerPrincipal) {
		Assert.isTrue(maxSessionsPerPrincipal >= 0, "'maxSessionsPerPrincipal' must not be negative");
		this.maxSessionsPerPrincipal = maxSessionsPerPrincipal;
	}

	/**
	 * Sets the metrics.
	 * @param metrics the metrics
	 */
	public void setMetrics(SessionMetrics metrics) {
		this.metrics = metrics;
	}

	/**
	 * Sets how long the active-session count is reused before it is read again.
	 * @param activeCountMaxAge the age
	 */
	public void setActiveCountMaxAge(Duration activeCountMaxAge) {
		this.activeCountMaxAge = activeCountMaxAge;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	/**
	 * Returns the namespace every key starts with.
	 * @return the namespace
	 */
	public String getRedisKeyNamespace() {
		return this.namespace;
	}

	/**
	 * Whether session ids are stored encrypted, so that
	 * {@link #findByIndexNameAndIndexValue} can return them.
	 * @return whether an application key for session ids is configured
	 */
	public boolean canReturnSessionIds() {
		return this.idCipher != null;
	}

	@Override
	public String sessionHandle(String sessionId) {
		return this.keyDigester.digest(SESSION_DOMAIN, sessionId);
	}

	@Override
	public RedisbootSession createSession() {
		MapSession cached = new MapSession(this.sessionIdGenerator);
		cached.setMaxInactiveInterval(this.defaultMaxInactiveInterval);
		RedisbootSession session = new RedisbootSession(cached, true, null, 0, true);
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
		if (!isPlausibleId(id)) {
			return null;
		}
		Map<String, Optional<RedisbootSession>> scope = this.requestScope.get();
		if (scope == null) {
			return load(id);
		}
		Optional<RedisbootSession> known = scope.get(id);
		if (known == null) {
			known = Optional.ofNullable(load(id));
			scope.put(id, known);
		}
		return known.orElse(null);
	}

	private @Nullable RedisbootSession load(String id) {
		String handle = sessionHandle(id);
		byte[] key = bytes(sessionKeyOfHandle(handle));
		Map<byte[], byte[]> stored;
		try {
			stored = this.redis.execute((commands) -> commands.hgetall(key));
		}
		catch (RedisCommandException ex) {
			String fault = faultOf(ex);
			if (fault == null) {
				throw ex;
			}
			fault(SESSION_FAMILY, fault, "read", ex);
			if (WRONG_TYPE.equals(fault)) {
				repair(key, "hash", SESSION_FAMILY);
			}
			return null;
		}
		if (stored == null || stored.isEmpty()) {
			return null;
		}
		RedisbootSession session = readOrNull(id, stored);
		if (session != null && session.isExpired()) {
			// as Spring Session's repositories do; the clean-up still counts it as expired
			deleteQuietly(key);
			return null;
		}
		return session;
	}

	private @Nullable RedisbootSession readOrNull(String id, Map<byte[], byte[]> stored) {
		try {
			return read(id, stored);
		}
		catch (UnreadableSessionException ex) {
			this.metrics.unreadable(ex.getKind());
			this.warnOnce.warn(ex.getKind().tag(), "A stored session could not be read (" + ex.getKind().tag()
					+ "): " + ex.getMessage() + ". The request continues with a new session; counted in "
					+ "redisboot.sessions.deserialization.failures", null);
			return null;
		}
	}

	private RedisbootSession read(String id, Map<byte[], byte[]> stored) {
		MapSession session = new MapSession(id);
		String principal = null;
		long indexExpiry = 0;
		boolean hasCreationTime = false;
		boolean idStored = false;
		for (Map.Entry<byte[], byte[]> entry : stored.entrySet()) {
			String field = string(entry.getKey());
			byte[] value = entry.getValue();
			switch (field) {
				case CREATION_TIME -> {
					session.setCreationTime(Instant.ofEpochMilli(number(field, value)));
					hasCreationTime = true;
				}
				case LAST_ACCESSED_TIME -> session.setLastAccessedTime(Instant.ofEpochMilli(number(field, value)));
				case MAX_INACTIVE_INTERVAL -> session.setMaxInactiveInterval(Duration.ofSeconds(number(field, value)));
				case PRINCIPAL -> principal = isHandle(string(value)) ? string(value) : null;
				case INDEX_EXPIRY -> indexExpiry = number(field, value);
				case SESSION_ID -> idStored = id.equals(decryptId(value, sessionHandle(id)));
				default -> {
					if (field.startsWith(ATTRIBUTE_PREFIX)) {
						String name = field.substring(ATTRIBUTE_PREFIX.length());
						Object attribute = this.codec.decode(name, value);
						if (attribute != null) {
							session.setAttribute(name, attribute);
						}
					}
				}
			}
		}
		if (!hasCreationTime) {
			throw new UnreadableSessionException(Cause.CORRUPT, "Session has no " + CREATION_TIME,
					new IllegalStateException("missing " + CREATION_TIME));
		}
		return new RedisbootSession(session, false, principal, indexExpiry, idStored);
	}

	/**
	 * Deletes a session, as {@code SessionRepository} specifies: nothing happens for an id
	 * that has no session. Publishes a {@code SessionDeletedEvent} with the id.
	 */
	@Override
	public void deleteById(String id) {
		if (!isPlausibleId(id)) {
			return;
		}
		remember(id, null);
		String handle = sessionHandle(id);
		List<Object> results = settledPipeline((commands) -> List.of(
				commands.del(bytes(sessionKeyOfHandle(handle))),
				commands.zrem(bytes(expirationsKey()), bytes(handle))));
		if (results.get(1) instanceof Failure failure) {
			fault(EXPIRATIONS_FAMILY, failure, "delete");
		}
		if (results.get(0) instanceof Failure failure) {
			fault(SESSION_FAMILY, failure, "delete");
		}
		else if (((Long) results.get(0)) > 0) {
			this.metrics.invalidated();
			publish(new SessionDeletedEvent(this, new MapSession(id)));
		}
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
		if (this.idCipher == null) {
			throw new IllegalStateException("Finding sessions by principal name returns session ids, which redisboot "
					+ "stores in Redis only encrypted with an application key, and none is configured. Set "
					+ KeyDigester.SECRET_PROPERTY + " (or redisboot.session.encryption.keys); sessions are then "
					+ "found once they have been used. PrincipalSessions (findSessions, revokeSessions) needs no key.");
		}
		byte[] indexKey = bytes(principalKey(indexValue));
		List<ScoredValue<byte[]>> members = indexMembers(indexKey);
		if (members.isEmpty()) {
			return Map.of();
		}
		List<Object> stored = settledPipeline((commands) -> members.stream()
			.map((member) -> commands.hgetall(bytes(sessionKeyOfHandle(string(member.getValue())))))
			.toList());
		Map<String, RedisbootSession> sessions = new LinkedHashMap<>();
		List<byte[]> gone = new ArrayList<>();
		for (int i = 0; i < members.size(); i++) {
			String handle = string(members.get(i).getValue());
			Object result = stored.get(i);
			if (result instanceof Failure failure) {
				fault(SESSION_FAMILY, failure, "read");
				continue;
			}
			@SuppressWarnings("unchecked")
			Map<byte[], byte[]> fields = (Map<byte[], byte[]>) result;
			if (fields == null || fields.isEmpty()) {
				gone.add(members.get(i).getValue());
				continue;
			}
			String id = storedId(fields, handle);
			if (id == null) {
				fault(SESSION_FAMILY, ID_UNAVAILABLE, "find by principal name", null);
				continue;
			}
			RedisbootSession session = readOrNull(id, fields);
			if (session != null) {
				sessions.put(id, session);
			}
		}
		prune(indexKey, gone);
		return sessions;
	}

	private @Nullable String storedId(Map<byte[], byte[]> fields, String handle) {
		for (Map.Entry<byte[], byte[]> entry : fields.entrySet()) {
			if (SESSION_ID.equals(string(entry.getKey()))) {
				String id = decryptId(entry.getValue(), handle);
				return (id != null && handle.equals(sessionHandle(id))) ? id : null;
			}
		}
		return null;
	}

	private byte @Nullable [] encryptId(String id, String handle) {
		ValueEnvelope cipher = this.idCipher;
		return (cipher != null) ? cipher.encode(bytes(id), bytes(sessionKeyOfHandle(handle))) : null;
	}

	private @Nullable String decryptId(byte[] stored, String handle) {
		ValueEnvelope cipher = this.idCipher;
		if (cipher == null) {
			return null;
		}
		try {
			return string(cipher.decode(stored, bytes(sessionKeyOfHandle(handle))));
		}
		catch (ValueDecodingException ex) {
			return null;
		}
	}

	@Override
	public List<SessionSummary> findSessions(String principalName) {
		byte[] indexKey = bytes(principalKey(principalName));
		List<ScoredValue<byte[]>> members = indexMembers(indexKey);
		if (members.isEmpty()) {
			return List.of();
		}
		List<Object> fields = settledPipeline((commands) -> members.stream()
			.map((member) -> commands.hmget(bytes(sessionKeyOfHandle(string(member.getValue()))), bytes(CREATION_TIME),
					bytes(LAST_ACCESSED_TIME), bytes(MAX_INACTIVE_INTERVAL)))
			.toList());
		List<SessionSummary> sessions = new ArrayList<>();
		List<byte[]> gone = new ArrayList<>();
		for (int i = 0; i < members.size(); i++) {
			Object result = fields.get(i);
			if (result instanceof Failure failure) {
				fault(SESSION_FAMILY, failure, "list");
				if (WRONG_TYPE.equals(faultOf(failure.exception()))) {
					gone.add(members.get(i).getValue());
				}
				continue;
			}
			@SuppressWarnings("unchecked")
			SessionSummary summary = summary(string(members.get(i).getValue()), (List<KeyValue<byte[], byte[]>>) result);
			if (summary != null) {
				sessions.add(summary);
			}
			else {
				gone.add(members.get(i).getValue());
			}
		}
		prune(indexKey, gone);
		sessions.sort(Comparator.comparing(SessionSummary::creationTime).thenComparing(SessionSummary::handle));
		return sessions;
	}

	private static @Nullable SessionSummary summary(String handle, List<KeyValue<byte[], byte[]>> fields) {
		if (fields.size() != 3 || fields.stream().anyMatch((field) -> !field.hasValue())) {
			return null;
		}
		try {
			Instant created = Instant.ofEpochMilli(Long.parseLong(string(fields.get(0).getValue())));
			Instant lastAccessed = Instant.ofEpochMilli(Long.parseLong(string(fields.get(1).getValue())));
			long maxInactive = Long.parseLong(string(fields.get(2).getValue()));
			Instant expiresAt = (maxInactive >= 0) ? lastAccessed.plusSeconds(maxInactive) : null;
			return new SessionSummary(handle, created, lastAccessed, expiresAt);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Reads a principal index. A key of another type is deleted (the index is rebuilt as
	 * sessions are used) and reads as empty, as does an index that Redis refuses to read.
	 */
	private List<ScoredValue<byte[]>> indexMembers(byte[] indexKey) {
		try {
			List<ScoredValue<byte[]>> members = this.redis
				.execute((commands) -> commands.zrangeWithScores(indexKey, 0, -1));
			return (members != null) ? members : List.of();
		}
		catch (RedisCommandException ex) {
			String fault = faultOf(ex);
			if (fault == null) {
				throw ex;
			}
			fault(INDEX_FAMILY, fault, "read", ex);
			if (WRONG_TYPE.equals(fault)) {
				repair(indexKey, "zset", INDEX_FAMILY);
			}
			return List.of();
		}
	}

	private void prune(byte[] indexKey, List<byte[]> gone) {
		if (gone.isEmpty()) {
			return;
		}
		try {
			this.redis.execute((commands) -> commands.zrem(indexKey, gone.toArray(byte[][]::new)));
		}
		catch (RedisCommandException ex) {
			if (faultOf(ex) == null) {
				throw ex;
			}
			fault(INDEX_FAMILY, faultOf(ex), "prune", ex);
		}
	}

	@Override
	public int revokeSessions(String principalName) {
		return revoke(principalName, null);
	}

	@Override
	public int revokeOtherSessions(String principalName, String keptSessionId) {
		Assert.notNull(keptSessionId, "'keptSessionId' must not be null");
		return revoke(principalName, sessionHandle(keptSessionId));
	}

	/**
	 * Revokes every indexed session of a principal but one. An id change indexes its new
	 * session before it claims the old one, so one whose claim won before this revocation
	 * deleted the old session has its new session in the index by then: reading the index
	 * again after each round of deletions finds it. Rounds end when one finds nothing new.
	 */
	private int revoke(String principalName, @Nullable String keptHandle) {
		byte[] indexKey = bytes(principalKey(principalName));
		Set<String> seen = new HashSet<>();
		int revoked = 0;
		for (int round = 0; round < MAX_REVOCATION_ROUNDS; round++) {
			List<String> targets = indexMembers(indexKey).stream()
				.map((member) -> string(member.getValue()))
				.filter((handle) -> !handle.equals(keptHandle) && seen.add(handle))
				.toList();
			if (targets.isEmpty()) {
				break;
			}
			revoked += deleteSessions(indexKey, targets, "revoked");
		}
		return revoked;
	}

	/**
	 * Revokes one session of a principal.
	 * @param principalName the principal's name
	 * @param session the session's handle, as {@link SessionSummary#handle()} gives it, or
	 * its id
	 */
	@Override
	public boolean revokeSession(String principalName, String session) {
		byte[] indexKey = bytes(principalKey(principalName));
		String byId = sessionHandle(session);
		List<Object> scores = settledPipeline((commands) -> List.of(commands.zscore(indexKey, bytes(session)),
				commands.zscore(indexKey, bytes(byId))));
		String handle = (scores.get(0) instanceof Double) ? session : (scores.get(1) instanceof Double) ? byId : null;
		if (handle == null) {
			scores.stream()
				.filter(Failure.class::isInstance)
				.findFirst()
				.ifPresent((failure) -> fault(INDEX_FAMILY, (Failure) failure, "read"));
			return false;
		}
		return deleteSessions(indexKey, List.of(handle), "revoked") == 1;
	}

	/**
	 * Deletes sessions of one principal and their index entries, reading each one's
	 * encrypted id in the same round trip for the {@code SessionDeletedEvent}.
	 * @return how many sessions existed and were deleted
	 */
	private int deleteSessions(byte[] indexKey, List<String> handles, String reason) {
		if (handles.isEmpty()) {
			return 0;
		}
		byte[][] members = handles.stream().map(RedisbootSessionRepository::bytes).toArray(byte[][]::new);
		List<Object> results = settledPipeline((commands) -> {
			List<CompletionStage<?>> futures = new ArrayList<>();
			for (String handle : handles) {
				byte[] key = bytes(sessionKeyOfHandle(handle));
				// one connection, one node: the HGET runs before the DEL
				futures.add(commands.hget(key, bytes(SESSION_ID)));
				futures.add(commands.del(key));
			}
			futures.add(commands.zrem(indexKey, members));
			futures.add(commands.zrem(bytes(expirationsKey()), members));
			return futures;
		});
		int deleted = 0;
		for (int i = 0; i < handles.size(); i++) {
			String handle = handles.get(i);
			Object storedId = results.get(2 * i);
			Object outcome = results.get(2 * i + 1);
			if (outcome instanceof Failure failure) {
				fault(SESSION_FAMILY, failure, "revoke");
				continue;
			}
			if (((Long) outcome) > 0) {
				deleted++;
				String id = (storedId instanceof byte[] encrypted) ? decryptId(encrypted, handle) : null;
				if (id != null) {
					remember(id, null);
				}
				publish(new SessionDeletedEvent(this, new MapSession((id != null) ? id : handle)));
			}
		}
		if (results.get(results.size() - 2) instanceof Failure failure) {
			fault(INDEX_FAMILY, failure, "revoke");
		}
		if (results.get(results.size() - 1) instanceof Failure failure) {
			fault(EXPIRATIONS_FAMILY, failure, "revoke");
		}
		if (deleted > 0) {
			this.metrics.revoked(reason, deleted);
		}
		return deleted;
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
		byte[] expirationsKey = bytes(expirationsKey());
		int expired = 0;
		for (int round = 0; round < 1000; round++) {
			long now = this.clock.millis();
			List<byte[]> candidates;
			try {
				candidates = this.redis.execute((commands) -> commands.zrangebyscore(expirationsKey,
						Range.create(Double.NEGATIVE_INFINITY, (double) now), Limit.create(0, CLEANUP_BATCH)));
			}
			catch (RedisCommandException ex) {
				String fault = faultOf(ex);
				if (fault == null) {
					throw ex;
				}
				fault(EXPIRATIONS_FAMILY, fault, "clean-up", ex);
				if (WRONG_TYPE.equals(fault)) {
					repair(expirationsKey, "zset", EXPIRATIONS_FAMILY);
				}
				break;
			}
			if (candidates == null || candidates.isEmpty()) {
				break;
			}
			List<Long> ttls = pipeline(
					(commands) -> candidates.stream().map((handle) -> commands.pttl(bytes(sessionKeyOfHandle(string(handle))))).toList());
			List<Long> outcomes = pipeline((commands) -> {
				List<CompletionStage<Long>> futures = new ArrayList<>();
				for (int i = 0; i < candidates.size(); i++) {
					long ttl = ttls.get(i);
					if (ttl == -2) {
						futures.add(commands.zrem(expirationsKey, candidates.get(i)));
					}
					else {
						double score = (ttl >= 0) ? now + ttl : NEVER;
						futures.add(commands.zadd(expirationsKey, ZAddArgs.Builder.xx(), score, candidates.get(i)));
					}
				}
				return futures;
			});
			for (int i = 0; i < candidates.size(); i++) {
				if (ttls.get(i) == -2 && outcomes.get(i) > 0) {
					expired++;
					publish(new SessionExpiredEvent(this, new MapSession(string(candidates.get(i)))));
				}
			}
			if (candidates.size() < CLEANUP_BATCH) {
				break;
			}
		}
		if (expired > 0) {
			this.metrics.expired(expired);
		}
		readActiveCount();
		return expired;
	}

	/**
	 * Returns the number of sessions in Redis that have not been found expired yet, across
	 * all instances: one {@code ZCARD}, reused for a few seconds, so scraping it often costs
	 * Redis nothing noticeable.
	 * @return the count, {@code NaN} if it could never be read
	 */
	public double getActiveSessionCount() {
		if (!this.activeCountRead || this.clock.millis() - this.activeCountReadAt > this.activeCountMaxAge.toMillis()) {
			readActiveCount();
		}
		return this.activeCount;
	}

	private void readActiveCount() {
		try {
			Long count = this.redis.execute((commands) -> commands.zcard(bytes(expirationsKey())));
			this.activeCount = (count != null) ? count : Double.NaN;
		}
		catch (RedisCommandException ex) {
			logger.debug("Could not count active sessions", ex);
		}
		this.activeCountReadAt = this.clock.millis();
		this.activeCountRead = true;
	}

	/**
	 * What kind of fault Redis answered with, or {@code null} if it did not answer (down,
	 * timed out), which the caller rethrows.
	 */
	static @Nullable String faultOf(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof RedisCommandException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (!(cause instanceof RedisCommandExecutionException)) {
			return null;
		}
		String message = String.valueOf(cause.getMessage());
		if (message.contains("WRONGTYPE")) {
			return WRONG_TYPE;
		}
		if (message.contains("NOPERM")) {
			return NOPERM;
		}
		return COMMAND_ERROR;
	}

	private void fault(String family, Failure failure, String operation) {
		String fault = faultOf(failure.exception());
		if (fault == null) {
			throw (failure.exception() instanceof RuntimeException runtime) ? runtime
					: new RedisCommandException(RedisCommandException.Kind.UNAVAILABLE,
							"Redis is unavailable: " + failure.exception().getMessage(), failure.exception());
		}
		fault(family, fault, operation, failure.exception());
	}

	/**
	 * Counts a fault and logs it once per family and kind, in one line without a stack trace
	 * and without the server's message, which may quote a key name.
	 */
	private void fault(String family, @Nullable String fault, String operation, @Nullable Throwable cause) {
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

	/**
	 * Deletes a key of the wrong type; counted with the fault that found it.
	 */
	private void repair(byte[] key, String type, String family) {
		try {
			this.redis.evalsha(REPAIR, ScriptOutputType.INTEGER, new byte[][] { key }, bytes(type));
		}
		catch (RedisCommandException ex) {
			if (faultOf(ex) == null) {
				throw ex;
			}
			logger.debug("Could not replace a " + family + " key of the wrong type", ex);
		}
	}

	private void deleteQuietly(byte[] key) {
		try {
			this.redis.execute((commands) -> commands.del(key));
		}
		catch (RedisCommandException ex) {
			if (faultOf(ex) == null) {
				throw ex;
			}
			fault(SESSION_FAMILY, faultOf(ex), "delete", ex);
		}
	}

	private void publish(ApplicationEvent event) {
		try {
			this.eventPublisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.warn("A session event listener failed", ex);
		}
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
		if (this.requestScope.get() != null) {
			request.proceed();
			return;
		}
		this.requestScope.set(new HashMap<>(4));
		try {
			request.proceed();
		}
		finally {
			this.requestScope.remove();
		}
	}

	private void remember(String id, @Nullable RedisbootSession session) {
		Map<String, Optional<RedisbootSession>> scope = this.requestScope.get();
		if (scope != null) {
			scope.put(id, Optional.ofNullable(session));
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

	/**
	 * Sends commands together (pipelined; on Cluster, to their nodes in parallel) and waits
	 * for all of their results: one round trip.
	 */
	private <T> List<T> pipeline(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, List<? extends CompletionStage<T>>> commands) {
		List<T> results = this.redis.execute((async) -> {
			List<CompletableFuture<T>> futures = commands.apply(async)
				.stream()
				.map(CompletionStage::toCompletableFuture)
				.toList();
			return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
				.thenApply((ignored) -> futures.stream().map(CompletableFuture::join).toList());
		});
		return (results != null) ? results : List.of();
	}

	/**
	 * Like {@link #pipeline}, but a command that fails gives a {@link Failure} in its place
	 * instead of failing them all, so each key family's fault is handled on its own.
	 */
	private List<Object> settledPipeline(
			Function<RedisClusterAsyncCommands<byte[], byte[]>, List<? extends CompletionStage<?>>> commands) {
		return pipeline((async) -> commands.apply(async)
			.stream()
			.map((future) -> future.handle((value, failure) -> (failure != null) ? new Failure(unwrap(failure))
					: (Object) value))
			.toList());
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/**
	 * A command of a pipeline that failed.
	 */
	record Failure(Throwable exception) {
	}

	/**
	 * Returns the key of a session.
	 * @param id the session id
	 * @return the key, which holds the session's handle, not its id
	 */
	String sessionKey(String id) {
		return sessionKeyOfHandle(sessionHandle(id));
	}

	String sessionKeyOfHandle(String handle) {
		return this.namespace + ":sessions:" + handle;
	}

	/**
	 * Returns the key of a principal's index.
	 * @param principalName the principal's name
	 * @return the key, which holds a digest of the name
	 */
	String principalKey(String principalName) {
		return principalKeyOfDigest(principalDigest(principalName));
	}

	String principalKeyOfDigest(String principalDigest) {
		return this.namespace + ":principals:" + principalDigest;
	}

	String principalDigest(String principalName) {
		return this.keyDigester.digest(PRINCIPAL_DOMAIN, principalName);
	}

	String expirationsKey() {
		return this.namespace + ":expirations";
	}

	private static boolean isHandle(String value) {
		if (value.length() != HANDLE_LENGTH) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Session ids come from a cookie; refuse anything that no generator makes before it
	 * becomes part of a Redis key.
	 */
	private static boolean isPlausibleId(@Nullable String id) {
		if (id == null || id.isEmpty() || id.length() > MAX_ID_LENGTH) {
			return false;
		}
		for (int i = 0; i < id.length(); i++) {
			char c = id.charAt(i);
			if (c <= ' ' || c > '~') {
				return false;
			}
		}
		return true;
	}

	private static long number(String field, byte[] value) {
		try {
			return Long.parseLong(string(value));
		}
		catch (NumberFormatException ex) {
			throw new UnreadableSessionException(Cause.CORRUPT, "Session field '" + field + "' is not a number", ex);
		}
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static String string(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/**
	 * A session read from or about to be written to Redis, tracking what changed.
	 */
	public final class RedisbootSession implements Session {

		private final MapSession cached;

		private final Map<String, @Nullable Object> changedAttributes = new HashMap<>();

		private boolean isNew;

		private boolean timesChanged;

		private String originalId;

		private @Nullable String principal;

		private long indexExpiry;

		private boolean idStored;

		private boolean gone;

		RedisbootSession(MapSession cached, boolean isNew, @Nullable String principal, long indexExpiry,
				boolean idStored) {
			this.cached = cached;
			this.isNew = isNew;
			this.originalId = cached.getId();
			this.principal = principal;
			this.indexExpiry = indexExpiry;
			this.idStored = idStored;
			if (isNew || RedisbootSessionRepository.this.saveMode == SaveMode.ALWAYS) {
				cached.getAttributeNames().forEach((name) -> this.changedAttributes.put(name, cached.getAttribute(name)));
			}
		}

		@Override
		public String getId() {
			return this.cached.getId();
		}

		@Override
		public String changeSessionId() {
			String id = RedisbootSessionRepository.this.sessionIdGenerator.generate();
			this.cached.setId(id);
			return id;
		}

		@Override
		public <T> @Nullable T getAttribute(String attributeName) {
			T value = this.cached.getAttribute(attributeName);
			if (value != null && RedisbootSessionRepository.this.saveMode == SaveMode.ON_GET_ATTRIBUTE) {
				this.changedAttributes.put(attributeName, value);
			}
			return value;
		}

		@Override
		public Set<String> getAttributeNames() {
			return this.cached.getAttributeNames();
		}

		@Override
		public void setAttribute(String attributeName, @Nullable Object attributeValue) {
			this.cached.setAttribute(attributeName, attributeValue);
			this.changedAttributes.put(attributeName, attributeValue);
			flushIfRequired();
		}

		@Override
		public void removeAttribute(String attributeName) {
			setAttribute(attributeName, null);
		}

		@Override
		public Instant getCreationTime() {
			return this.cached.getCreationTime();
		}

		@Override
		public void setLastAccessedTime(Instant lastAccessedTime) {
			this.cached.setLastAccessedTime(lastAccessedTime);
			this.timesChanged = true;
			flushIfRequired();
		}

		@Override
		public Instant getLastAccessedTime() {
			return this.cached.getLastAccessedTime();
		}

		@Override
		public void setMaxInactiveInterval(Duration interval) {
			this.cached.setMaxInactiveInterval(interval);
			this.timesChanged = true;
			flushIfRequired();
		}

		@Override
		public Duration getMaxInactiveInterval() {
			return this.cached.getMaxInactiveInterval();
		}

		@Override
		public boolean isExpired() {
			return this.cached.isExpired();
		}

		/**
		 * Whether this session was found deleted (revoked, expired, invalidated elsewhere,
		 * its id changed by another request) when it was last saved, or could not be
		 * stored, so its changes were dropped.
		 * @return whether the session is gone
		 */
		public boolean isGone() {
			return this.gone;
		}

		private void flushIfRequired() {
			if (RedisbootSessionRepository.this.flushMode == FlushMode.IMMEDIATE) {
				save();
			}
		}

		private void save() {
			if (this.gone) {
				return;
			}
			RedisbootSessionRepository repository = RedisbootSessionRepository.this;
			String id = getId();
			String handle = repository.sessionHandle(id);
			boolean idChanged = !id.equals(this.originalId);
			boolean moved = idChanged && !this.isNew;
			boolean fullWrite = this.isNew || idChanged;
			Map<String, byte[]> set = new LinkedHashMap<>();
			List<String> delete = new ArrayList<>();
			long ttl = ttlMillis();
			long lastAccessed = getLastAccessedTime().toEpochMilli();
			if (fullWrite || this.timesChanged) {
				set.put(LAST_ACCESSED_TIME, bytes(Long.toString(lastAccessed)));
				set.put(MAX_INACTIVE_INTERVAL, bytes(Long.toString(getMaxInactiveInterval().toSeconds())));
			}
			if (fullWrite) {
				set.put(CREATION_TIME, bytes(Long.toString(getCreationTime().toEpochMilli())));
				for (String name : this.cached.getAttributeNames()) {
					set.put(ATTRIBUTE_PREFIX + name, repository.codec.encode(name, this.cached.getAttribute(name)));
				}
			}
			else {
				this.changedAttributes.forEach((name, value) -> {
					if (value != null) {
						set.put(ATTRIBUTE_PREFIX + name, repository.codec.encode(name, value));
					}
					else {
						delete.add(ATTRIBUTE_PREFIX + name);
					}
				});
			}
			boolean storeId = repository.idCipher != null && (fullWrite || (!this.idStored && !set.isEmpty()));
			if (storeId) {
				set.put(SESSION_ID, repository.encryptId(id, handle));
			}
			String newPrincipal = this.principal;
			if (fullWrite || !this.changedAttributes.isEmpty()) {
				String name = repository.principalResolver.resolveIndexValueFor(this.cached);
				newPrincipal = (name != null) ? repository.principalDigest(name) : null;
			}
			boolean principalChanged = !Objects.equals(newPrincipal, this.principal) || (idChanged && newPrincipal != null);
			if (fullWrite || !Objects.equals(newPrincipal, this.principal)) {
				if (newPrincipal != null) {
					set.put(PRINCIPAL, bytes(newPrincipal));
				}
				else if (!fullWrite) {
					delete.add(PRINCIPAL);
					delete.add(INDEX_EXPIRY);
				}
			}
			long expiry = (ttl > 0) ? lastAccessed + ttl : Long.MAX_VALUE;
			long newIndexExpiry = this.indexExpiry;
			boolean extendIndex = false;
			if (newPrincipal != null && (principalChanged || expiry > this.indexExpiry)) {
				// The index must outlive every session in it; extending it by a whole timeout at a time
				// means a session touches it about once per timeout, not on every request.
				newIndexExpiry = (ttl > 0) ? expiry + ttl : Long.MAX_VALUE;
				set.put(INDEX_EXPIRY, bytes(Long.toString(newIndexExpiry)));
				extendIndex = !principalChanged;
			}
			if (set.isEmpty() && delete.isEmpty()) {
				return;
			}
			byte[][] args = saveArguments(fullWrite, ttl, set, delete);
			String indexed = newPrincipal;
			// a new id is indexed before the old session is claimed, so that a revocation sees one of them
			boolean index = indexed != null && (extendIndex || moved);
			long indexTtl = (newIndexExpiry == Long.MAX_VALUE) ? 0 : Math.max(1, newIndexExpiry - lastAccessed);
			byte[] key = bytes(repository.sessionKeyOfHandle(handle));
			List<Object> results = repository.settledPipeline((commands) -> {
				List<CompletionStage<?>> futures = new ArrayList<>();
				futures.add(LettuceCommands.evalshaAsync(commands, SAVE, ScriptOutputType.INTEGER, new byte[][] { key },
						args));
				if (fullWrite) {
					futures.add(LettuceCommands.evalshaAsync(commands, ADD, ScriptOutputType.INTEGER,
							new byte[][] { bytes(repository.expirationsKey()) }, bytes(Long.toString(expiry)),
							bytes(handle)));
				}
				if (index) {
					futures.add(LettuceCommands.evalshaAsync(commands, INDEX, ScriptOutputType.MULTI,
							new byte[][] { bytes(repository.principalKeyOfDigest(indexed)) }, bytes(handle),
							bytes(Long.toString(getCreationTime().toEpochMilli())), bytes(Long.toString(indexTtl)),
							bytes("0")));
				}
				return futures;
			});
			int at = 1;
			if (fullWrite) {
				Object added = results.get(at++);
				if (added instanceof Failure failure) {
					repository.fault(EXPIRATIONS_FAMILY, failure, "save");
				}
				else if (Long.valueOf(1).equals(added)) {
					repository.fault(EXPIRATIONS_FAMILY, WRONG_TYPE, "save", null);
				}
			}
			boolean indexFailed = false;
			if (index) {
				Object outcome = results.get(at);
				if (outcome instanceof Failure failure) {
					repository.fault(INDEX_FAMILY, failure, "save");
					indexFailed = true;
				}
				else if (outcome instanceof List<?> flat && !flat.isEmpty() && Long.valueOf(1).equals(flat.get(0))) {
					repository.fault(INDEX_FAMILY, WRONG_TYPE, "save", null);
				}
			}
			Object saved = results.get(0);
			if (saved instanceof Failure failure) {
				repository.fault(SESSION_FAMILY, failure, "save");
				drop(id, handle, index ? indexed : null, fullWrite);
				return;
			}
			if (Long.valueOf(0).equals(saved)) {
				// revoked, expired or invalidated while this request was using it: do not bring it back
				repository.fault(SESSION_FAMILY, DELETED, "save", null);
				drop(id, handle, index ? indexed : null, false);
				return;
			}
			if (moved && (indexFailed || !claim(this.originalId, indexed))) {
				// a new id of a session that another request deleted, revoked or moved first, or that
				// could not be indexed (so could not be revoked): remove this copy
				if (!indexFailed) {
					repository.fault(SESSION_FAMILY, DELETED, "save", null);
				}
				drop(id, handle, indexed, true);
				return;
			}
			repository.remember(id, this);
			if (idChanged) {
				repository.remember(this.originalId, null);
			}
			boolean created = this.isNew;
			String oldId = this.originalId;
			String oldPrincipal = this.principal;
			this.isNew = false;
			this.originalId = id;
			this.timesChanged = false;
			this.changedAttributes.clear();
			this.principal = newPrincipal;
			this.indexExpiry = newIndexExpiry;
			this.idStored = this.idStored || storeId;
			if (created) {
				repository.metrics.created();
				repository.publish(new SessionCreatedEvent(repository, this));
			}
			if (principalChanged) {
				repository.reindex(oldPrincipal, moved ? null : repository.sessionHandle(oldId), newPrincipal, this,
						handle, indexTtl);
			}
		}

		/**
		 * Deletes the session under its old id, with its entries in the expiration set and
		 * the index: of all requests that change the id of one session, or delete it, only
		 * one removes it.
		 * @return whether this request removed it
		 */
		private boolean claim(String oldId, @Nullable String newPrincipal) {
			RedisbootSessionRepository repository = RedisbootSessionRepository.this;
			String oldHandle = repository.sessionHandle(oldId);
			String oldPrincipal = this.principal;
			List<Object> results = repository.settledPipeline((commands) -> {
				List<CompletionStage<?>> futures = new ArrayList<>();
				futures.add(LettuceCommands.evalshaAsync(commands, CLAIM, ScriptOutputType.INTEGER,
						new byte[][] { bytes(repository.sessionKeyOfHandle(oldHandle)) }));
				futures.add(commands.zrem(bytes(repository.expirationsKey()), bytes(oldHandle)));
				if (oldPrincipal != null) {
					futures.add(commands.zrem(bytes(repository.principalKeyOfDigest(oldPrincipal)), bytes(oldHandle)));
				}
				return futures;
			});
			if (results.get(1) instanceof Failure failure) {
				repository.fault(EXPIRATIONS_FAMILY, failure, "save");
			}
			if (results.size() > 2 && results.get(2) instanceof Failure failure) {
				repository.fault(INDEX_FAMILY, failure, "save");
			}
			if (results.get(0) instanceof Failure failure) {
				repository.fault(SESSION_FAMILY, failure, "save");
				return false;
			}
			if (Long.valueOf(1).equals(results.get(0))) {
				repository.publish(new SessionDeletedEvent(repository, new MapSession(oldId)));
				return true;
			}
			return false;
		}

		/**
		 * Gives the session up: removes what this save wrote, if it wrote the whole session
		 * under a new key, and its index entry.
		 */
		private void drop(String id, String handle, @Nullable String indexedPrincipal, boolean wroteSession) {
			RedisbootSessionRepository repository = RedisbootSessionRepository.this;
			this.gone = true;
			repository.remember(id, null);
			repository.remember(this.originalId, null);
			if (!wroteSession && indexedPrincipal == null) {
				return;
			}
			List<Object> results = repository.settledPipeline((commands) -> {
				List<CompletionStage<?>> futures = new ArrayList<>();
				if (wroteSession) {
					futures.add(commands.del(bytes(repository.sessionKeyOfHandle(handle))));
					futures.add(commands.zrem(bytes(repository.expirationsKey()), bytes(handle)));
				}
				if (indexedPrincipal != null) {
					futures.add(commands.zrem(bytes(repository.principalKeyOfDigest(indexedPrincipal)), bytes(handle)));
				}
				return futures;
			});
			for (Object result : results) {
				if (result instanceof Failure failure) {
					logger.debug("Could not remove a dropped session's keys", failure.exception());
				}
			}
		}

		private long ttlMillis() {
			Duration interval = getMaxInactiveInterval();
			return (interval.isNegative() || interval.isZero()) ? 0 : interval.toMillis();
		}

		private static byte[][] saveArguments(boolean fullWrite, long ttl, Map<String, byte[]> set,
				List<String> delete) {
			byte[][] args = new byte[3 + 2 * set.size() + delete.size()][];
			args[0] = bytes(fullWrite ? "1" : "0");
			args[1] = bytes(Long.toString(ttl));
			args[2] = bytes(Integer.toString(set.size()));
			int i = 3;
			for (Map.Entry<String, byte[]> field : set.entrySet()) {
				args[i++] = bytes(field.getKey());
				args[i++] = field.getValue();
			}
			for (String field : delete) {
				args[i++] = bytes(field);
			}
			return args;
		}

	}

	/**
	 * Moves a session from one principal's index to another's (sign-in, sign-out without
	 * invalidation), prunes entries of sessions that are gone, and revokes the oldest
	 * sessions over the maximum. The session itself is among the entries checked: if it was
	 * revoked before it was indexed, its entry is removed again and the session is gone.
	 * Concurrent sign-ins of one principal all see the same members ordered by creation time
	 * and so revoke the same sessions. An index that cannot be written drops the session,
	 * which could otherwise not be revoked.
	 */
	private void reindex(@Nullable String oldPrincipal, @Nullable String oldHandle, @Nullable String newPrincipal,
			RedisbootSession session, String handle, long indexTtl) {
		if (oldPrincipal != null && oldHandle != null && (!oldPrincipal.equals(newPrincipal) || !oldHandle.equals(handle))) {
			prune(bytes(principalKeyOfDigest(oldPrincipal)), List.of(bytes(oldHandle)));
		}
		if (newPrincipal == null) {
			return;
		}
		byte[] indexKey = bytes(principalKeyOfDigest(newPrincipal));
		List<Object> flat;
		try {
			flat = this.redis.evalsha(INDEX, ScriptOutputType.MULTI, new byte[][] { indexKey }, bytes(handle),
					bytes(Long.toString(session.getCreationTime().toEpochMilli())), bytes(Long.toString(indexTtl)),
					bytes("1"));
		}
		catch (RedisCommandException ex) {
			String fault = faultOf(ex);
			if (fault == null) {
				throw ex;
			}
			fault(INDEX_FAMILY, fault, "sign-in", ex);
			session.drop(session.getId(), handle, null, true);
			return;
		}
		if (flat == null || flat.isEmpty()) {
			return;
		}
		if (Long.valueOf(1).equals(flat.get(0))) {
			fault(INDEX_FAMILY, WRONG_TYPE, "sign-in", null);
		}
		record Member(String handle, double created) {
		}
		List<Member> members = new ArrayList<>();
		for (int i = 1; i + 1 < flat.size(); i += 2) {
			members.add(new Member(string((byte[]) flat.get(i)), Double.parseDouble(string((byte[]) flat.get(i + 1)))));
		}
		List<Object> exists = settledPipeline((commands) -> members.stream()
			.map((member) -> commands.exists(bytes(sessionKeyOfHandle(member.handle()))))
			.toList());
		List<byte[]> gone = new ArrayList<>();
		List<Member> live = new ArrayList<>();
		for (int i = 0; i < members.size(); i++) {
			Object result = exists.get(i);
			if (result instanceof Failure failure) {
				fault(SESSION_FAMILY, failure, "sign-in");
				live.add(members.get(i));
			}
			else if (((Long) result) > 0) {
				live.add(members.get(i));
			}
			else {
				gone.add(bytes(members.get(i).handle()));
			}
		}
		prune(indexKey, gone);
		if (live.stream().noneMatch((member) -> member.handle().equals(handle))) {
			// revoked between its save and its indexing
			session.gone = true;
			remember(session.getId(), null);
			return;
		}
		int max = this.maxSessionsPerPrincipal;
		if (max > 0 && live.size() > max) {
			live.sort(Comparator.comparingDouble(Member::created).thenComparing(Member::handle));
			List<String> oldest = live.subList(0, live.size() - max).stream().map(Member::handle).toList();
			deleteSessions(indexKey, oldest, "max-sessions");
			if (oldest.contains(handle)) {
				session.gone = true;
			}
		}
	}

}

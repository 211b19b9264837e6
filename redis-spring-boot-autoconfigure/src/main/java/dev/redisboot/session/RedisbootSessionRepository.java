package dev.redisboot.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.LettuceCommands.Script;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.session.UnreadableSessionException.Cause;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisFuture;
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
 * With the namespace {@code N} (by default {@code session}, after redisboot's key prefix):
 * <ul>
 * <li>{@code N:sessions:<id>}, a hash of {@code creationTime}, {@code lastAccessedTime} (epoch
 * milliseconds), {@code maxInactiveInterval} (seconds) and {@code sessionAttr:<name>}
 * (JSON), expiring with the session, as Spring Session lays it out;</li>
 * <li>{@code N:principals:<sha-256 of the principal name>}, a sorted set of the principal's
 * session ids scored by creation time. It expires after the last of them, and members whose
 * session is gone are removed whenever it is read or written, so nothing leaks when sessions
 * expire silently. No keyspace notifications are needed, which managed Redis often
 * refuses, and on Cluster none are lost;</li>
 * <li>{@code N:expirations}, a sorted set of all session ids scored by an expiry time that is
 * never later than the real one, from which a periodic clean-up counts expired sessions and
 * which gives the active-session count with one {@code ZCARD}.</li>
 * </ul>
 * Every command touches one key, so the layout works unchanged on Redis Cluster.
 *
 * <h2>Unreadable sessions</h2>
 * A session whose bytes cannot be read back (a class that changed across a deploy, a type
 * outside the allowlist, corrupt bytes, a missing encryption key) is treated as no session:
 * the user gets a new one, the failure is counted per cause and logged once per cause. The
 * stored session is left to expire, so an instance of the previous version can still read
 * it during a rolling deploy.
 *
 * @author redisboot
 */
public final class RedisbootSessionRepository
		implements FindByIndexNameSessionRepository<RedisbootSessionRepository.RedisbootSession>, PrincipalSessions,
		ApplicationEventPublisherAware {

	static final String CREATION_TIME = "creationTime";

	static final String LAST_ACCESSED_TIME = "lastAccessedTime";

	static final String MAX_INACTIVE_INTERVAL = "maxInactiveInterval";

	static final String ATTRIBUTE_PREFIX = "sessionAttr:";

	static final String PRINCIPAL = "redisboot:principal";

	static final String INDEX_EXPIRY = "redisboot:indexExpiry";

	private static final Log logger = LogFactory.getLog(RedisbootSessionRepository.class);

	private static final int MAX_ID_LENGTH = 256;

	private static final int CLEANUP_BATCH = 500;

	private static final double NEVER = (double) Long.MAX_VALUE;

	/**
	 * Writes a session's changed fields and slides its expiry in one step. A session that
	 * is not new is only written if it still exists: a revoked or expired session must not
	 * come back because a request that was using it finished later.
	 * KEYS[1] session hash; ARGV[1] '1' if new; ARGV[2] TTL in ms, 0 for none; ARGV[3] the
	 * number n of fields to set; then n field/value pairs; then fields to delete.
	 */
	static final Script SAVE = Script.of("""
			if ARGV[1] == '0' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
			local n = tonumber(ARGV[3])
			if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 4, 3 + 2 * n)) end
			if #ARGV > 3 + 2 * n then redis.call('HDEL', KEYS[1], unpack(ARGV, 4 + 2 * n)) end
			local ttl = tonumber(ARGV[2])
			if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) else redis.call('PERSIST', KEYS[1]) end
			return 1
			""");

	/**
	 * Adds a session to its principal's index and makes the index live at least as long as
	 * asked, never shorter than it already does; returns the members with their scores if
	 * asked to. KEYS[1] index; ARGV[1] session id; ARGV[2] creation time; ARGV[3] TTL in ms,
	 * 0 for none; ARGV[4] '1' to return the members.
	 */
	static final Script INDEX = Script.of("""
			redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
			local ttl = tonumber(ARGV[3])
			if ttl <= 0 then redis.call('PERSIST', KEYS[1])
			elseif redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
			if ARGV[4] == '1' then return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES') end
			return false
			""");

	private final LettuceCommands redis;

	private final SessionAttributeCodec codec;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private final PrincipalNameIndexResolver<MapSession> principalResolver = new PrincipalNameIndexResolver<>();

	private final Clock clock;

	private String namespace;

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
	 * Creates a repository.
	 * @param redis the commands, on the application's connection
	 * @param codec how attribute values are stored
	 * @param namespace the start of every key, such as {@code prod:session}
	 */
	public RedisbootSessionRepository(LettuceCommands redis, SessionAttributeCodec codec, String namespace) {
		this(redis, codec, namespace, Clock.systemUTC());
	}

	RedisbootSessionRepository(LettuceCommands redis, SessionAttributeCodec codec, String namespace, Clock clock) {
		this.redis = redis;
		this.codec = codec;
		this.clock = clock;
		setRedisKeyNamespace(namespace);
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

	@Override
	public RedisbootSession createSession() {
		MapSession cached = new MapSession(this.sessionIdGenerator);
		cached.setMaxInactiveInterval(this.defaultMaxInactiveInterval);
		RedisbootSession session = new RedisbootSession(cached, true, null, 0);
		session.flushIfRequired();
		return session;
	}

	@Override
	public void save(RedisbootSession session) {
		session.save();
	}

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
		Map<byte[], byte[]> stored = this.redis.execute((commands) -> commands.hgetall(bytes(sessionKey(id))));
		if (stored == null || stored.isEmpty()) {
			return null;
		}
		try {
			return read(id, stored);
		}
		catch (UnreadableSessionException ex) {
			this.metrics.unreadable(ex.getKind());
			this.warnOnce.warn(ex.getKind().tag(), "A stored session could not be read (" + ex.getKind().tag()
					+ "): " + ex.getMessage() + ". The request continues with a new session; counted in "
					+ "redisboot.sessions.deserialization.failures", ex);
			return null;
		}
	}

	private @Nullable RedisbootSession read(String id, Map<byte[], byte[]> stored) {
		MapSession session = new MapSession(id);
		String principal = null;
		long indexExpiry = 0;
		boolean hasCreationTime = false;
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
				case PRINCIPAL -> principal = string(value);
				case INDEX_EXPIRY -> indexExpiry = number(field, value);
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
		if (session.isExpired()) {
			return null;
		}
		return new RedisbootSession(session, false, principal, indexExpiry);
	}

	@Override
	public void deleteById(String id) {
		if (!isPlausibleId(id)) {
			return;
		}
		remember(id, null);
		List<Long> results = pipeline((commands) -> List.of(commands.del(bytes(sessionKey(id))),
				commands.zrem(bytes(expirationsKey()), bytes(id))));
		if (results.get(0) > 0) {
			this.metrics.invalidated();
			publish(new SessionDeletedEvent(this, new MapSession(id)));
		}
	}

	@Override
	public Map<String, RedisbootSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
		if (!PRINCIPAL_NAME_INDEX_NAME.equals(indexName)) {
			return Map.of();
		}
		Map<String, RedisbootSession> sessions = new LinkedHashMap<>();
		for (SessionSummary summary : findSessions(indexValue)) {
			RedisbootSession session = findById(summary.id());
			if (session != null) {
				sessions.put(session.getId(), session);
			}
		}
		return sessions;
	}

	@Override
	public List<SessionSummary> findSessions(String principalName) {
		byte[] indexKey = bytes(principalKey(digest(principalName)));
		List<ScoredValue<byte[]>> members = this.redis.execute((commands) -> commands.zrangeWithScores(indexKey, 0, -1));
		if (members == null || members.isEmpty()) {
			return List.of();
		}
		List<List<KeyValue<byte[], byte[]>>> fields = pipeline((commands) -> members.stream()
			.map((member) -> commands.hmget(bytes(sessionKey(string(member.getValue()))), bytes(CREATION_TIME),
					bytes(LAST_ACCESSED_TIME), bytes(MAX_INACTIVE_INTERVAL)))
			.toList());
		List<SessionSummary> sessions = new ArrayList<>();
		List<byte[]> gone = new ArrayList<>();
		for (int i = 0; i < members.size(); i++) {
			SessionSummary summary = summary(string(members.get(i).getValue()), fields.get(i));
			if (summary != null) {
				sessions.add(summary);
			}
			else {
				gone.add(members.get(i).getValue());
			}
		}
		if (!gone.isEmpty()) {
			this.redis.execute((commands) -> commands.zrem(indexKey, gone.toArray(byte[][]::new)));
		}
		sessions.sort(Comparator.comparing(SessionSummary::creationTime).thenComparing(SessionSummary::id));
		return sessions;
	}

	private static @Nullable SessionSummary summary(String id, List<KeyValue<byte[], byte[]>> fields) {
		if (fields.size() != 3 || fields.stream().anyMatch((field) -> !field.hasValue())) {
			return null;
		}
		try {
			Instant created = Instant.ofEpochMilli(Long.parseLong(string(fields.get(0).getValue())));
			Instant lastAccessed = Instant.ofEpochMilli(Long.parseLong(string(fields.get(1).getValue())));
			long maxInactive = Long.parseLong(string(fields.get(2).getValue()));
			return new SessionSummary(id, created, lastAccessed,
					(maxInactive >= 0) ? lastAccessed.plusSeconds(maxInactive) : null);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	@Override
	public int revokeSessions(String principalName) {
		return revoke(principalName, null);
	}

	@Override
	public int revokeOtherSessions(String principalName, String keptSessionId) {
		Assert.notNull(keptSessionId, "'keptSessionId' must not be null");
		return revoke(principalName, keptSessionId);
	}

	private int revoke(String principalName, @Nullable String keptSessionId) {
		byte[] indexKey = bytes(principalKey(digest(principalName)));
		List<byte[]> members = this.redis.execute((commands) -> commands.zrange(indexKey, 0, -1));
		if (members == null || members.isEmpty()) {
			return 0;
		}
		List<String> targets = members.stream()
			.map(RedisbootSessionRepository::string)
			.filter((id) -> !id.equals(keptSessionId))
			.toList();
		return deleteSessions(indexKey, targets, "revoked");
	}

	@Override
	public boolean revokeSession(String principalName, String sessionId) {
		byte[] indexKey = bytes(principalKey(digest(principalName)));
		Double score = this.redis.execute((commands) -> commands.zscore(indexKey, bytes(sessionId)));
		return score != null && deleteSessions(indexKey, List.of(sessionId), "revoked") == 1;
	}

	/**
	 * Deletes sessions of one principal and their index entries.
	 * @return how many sessions existed and were deleted
	 */
	private int deleteSessions(byte[] indexKey, List<String> ids, String reason) {
		if (ids.isEmpty()) {
			return 0;
		}
		byte[][] members = ids.stream().map(RedisbootSessionRepository::bytes).toArray(byte[][]::new);
		List<Long> results = pipeline((commands) -> {
			List<RedisFuture<Long>> futures = new ArrayList<>();
			ids.forEach((id) -> futures.add(commands.del(bytes(sessionKey(id)))));
			futures.add(commands.zrem(indexKey, members));
			futures.add(commands.zrem(bytes(expirationsKey()), members));
			return futures;
		});
		int deleted = 0;
		for (int i = 0; i < ids.size(); i++) {
			remember(ids.get(i), null);
			if (results.get(i) > 0) {
				deleted++;
				publish(new SessionDeletedEvent(this, new MapSession(ids.get(i))));
			}
		}
		if (deleted > 0) {
			this.metrics.revoked(reason, deleted);
		}
		return deleted;
	}

	/**
	 * Finds sessions that expired, counts them once across all instances, and removes them
	 * from the expiration set; sessions that were used since are moved to their new expiry.
	 * Called periodically by every instance; safe to run concurrently.
	 * @return how many expired sessions this call found
	 */
	public int cleanUpExpiredSessions() {
		byte[] expirationsKey = bytes(expirationsKey());
		int expired = 0;
		for (int round = 0; round < 1000; round++) {
			long now = this.clock.millis();
			List<byte[]> candidates = this.redis.execute((commands) -> commands.zrangebyscore(expirationsKey,
					Range.create(Double.NEGATIVE_INFINITY, (double) now), Limit.create(0, CLEANUP_BATCH)));
			if (candidates == null || candidates.isEmpty()) {
				break;
			}
			List<Long> ttls = pipeline(
					(commands) -> candidates.stream().map((id) -> commands.pttl(bytes(sessionKey(string(id))))).toList());
			List<Long> outcomes = pipeline((commands) -> {
				List<RedisFuture<Long>> futures = new ArrayList<>();
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

	String sessionKey(String id) {
		return this.namespace + ":sessions:" + id;
	}

	String principalKey(String principalDigest) {
		return this.namespace + ":principals:" + principalDigest;
	}

	String expirationsKey() {
		return this.namespace + ":expirations";
	}

	static String digest(String principalName) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(principalName.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(hash);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
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

		private boolean gone;

		RedisbootSession(MapSession cached, boolean isNew, @Nullable String principal, long indexExpiry) {
			this.cached = cached;
			this.isNew = isNew;
			this.originalId = cached.getId();
			this.principal = principal;
			this.indexExpiry = indexExpiry;
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
		 * Whether this session was found deleted (revoked, expired, invalidated elsewhere)
		 * when it was last saved, so its changes were dropped.
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
			boolean idChanged = !id.equals(this.originalId);
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
			String newPrincipal = this.principal;
			if (fullWrite || !this.changedAttributes.isEmpty()) {
				String name = repository.principalResolver.resolveIndexValueFor(this.cached);
				newPrincipal = (name != null) ? digest(name) : null;
			}
			boolean principalChanged = !Objects.equals(newPrincipal, this.principal) || (idChanged && newPrincipal != null);
			if (!Objects.equals(newPrincipal, this.principal)) {
				if (newPrincipal != null) {
					set.put(PRINCIPAL, bytes(newPrincipal));
				}
				else {
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
			boolean extend = extendIndex;
			long indexTtl = (newIndexExpiry == Long.MAX_VALUE) ? 0 : Math.max(1, newIndexExpiry - lastAccessed);
			List<Object> results = repository.pipeline((commands) -> {
				List<CompletionStage<Object>> futures = new ArrayList<>();
				futures.add(LettuceCommands.evalshaAsync(commands, SAVE, ScriptOutputType.INTEGER,
						new byte[][] { bytes(repository.sessionKey(id)) }, args));
				if (fullWrite) {
					futures.add(commands.zadd(bytes(repository.expirationsKey()), (double) expiry, bytes(id))
						.thenApply(Object.class::cast));
				}
				if (idChanged && !this.isNew) {
					futures.add(commands.del(bytes(repository.sessionKey(this.originalId)))
						.thenApply(Object.class::cast));
					futures.add(commands.zrem(bytes(repository.expirationsKey()), bytes(this.originalId))
						.thenApply(Object.class::cast));
				}
				if (extend && indexed != null) {
					futures.add(LettuceCommands.evalshaAsync(commands, INDEX, ScriptOutputType.MULTI,
							new byte[][] { bytes(repository.principalKey(indexed)) }, bytes(id),
							bytes(Long.toString(getCreationTime().toEpochMilli())), bytes(Long.toString(indexTtl)),
							bytes("0")));
				}
				return futures;
			});
			if (Long.valueOf(0).equals(results.get(0))) {
				// revoked, expired or invalidated while this request was using it: do not bring it back
				this.gone = true;
				repository.remember(id, null);
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
			if (created) {
				repository.metrics.created();
				repository.publish(new SessionCreatedEvent(repository, this));
			}
			if (principalChanged) {
				repository.reindex(oldPrincipal, oldId, newPrincipal, this, indexTtl);
			}
		}

		private long ttlMillis() {
			Duration interval = getMaxInactiveInterval();
			return (interval.isNegative() || interval.isZero()) ? 0 : interval.toMillis();
		}

		private static byte[][] saveArguments(boolean isNew, long ttl, Map<String, byte[]> set, List<String> delete) {
			byte[][] args = new byte[3 + 2 * set.size() + delete.size()][];
			args[0] = bytes(isNew ? "1" : "0");
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
	 * invalidation, a new session id), prunes entries of sessions that are gone, and
	 * revokes the oldest sessions over the maximum. Concurrent sign-ins of one principal
	 * all see the same members ordered by creation time and so revoke the same sessions.
	 */
	private void reindex(@Nullable String oldPrincipal, String oldId, @Nullable String newPrincipal,
			RedisbootSession session, long indexTtl) {
		String id = session.getId();
		if (oldPrincipal != null && (!oldPrincipal.equals(newPrincipal) || !oldId.equals(id))) {
			this.redis.execute((commands) -> commands.zrem(bytes(principalKey(oldPrincipal)), bytes(oldId)));
		}
		if (newPrincipal == null) {
			return;
		}
		byte[] indexKey = bytes(principalKey(newPrincipal));
		List<Object> flat = this.redis.evalsha(INDEX, ScriptOutputType.MULTI, new byte[][] { indexKey }, bytes(id),
				bytes(Long.toString(session.getCreationTime().toEpochMilli())), bytes(Long.toString(indexTtl)),
				bytes("1"));
		if (flat == null) {
			return;
		}
		record Member(String id, double created) {
		}
		List<Member> others = new ArrayList<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			String member = string((byte[]) flat.get(i));
			if (!member.equals(id)) {
				others.add(new Member(member, Double.parseDouble(string((byte[]) flat.get(i + 1)))));
			}
		}
		if (others.isEmpty()) {
			return;
		}
		List<Long> exists = pipeline(
				(commands) -> others.stream().map((member) -> commands.exists(bytes(sessionKey(member.id())))).toList());
		List<String> gone = new ArrayList<>();
		List<Member> live = new ArrayList<>();
		live.add(new Member(id, session.getCreationTime().toEpochMilli()));
		for (int i = 0; i < others.size(); i++) {
			if (exists.get(i) > 0) {
				live.add(others.get(i));
			}
			else {
				gone.add(others.get(i).id());
			}
		}
		if (!gone.isEmpty()) {
			this.redis.execute((commands) -> commands.zrem(indexKey, gone.stream().map(RedisbootSessionRepository::bytes)
				.toArray(byte[][]::new)));
		}
		int max = this.maxSessionsPerPrincipal;
		if (max > 0 && live.size() > max) {
			live.sort(Comparator.comparingDouble(Member::created).thenComparing(Member::id));
			List<String> oldest = live.subList(0, live.size() - max).stream().map(Member::id).toList();
			deleteSessions(indexKey, oldest, "max-sessions");
			if (oldest.contains(id)) {
				session.gone = true;
			}
		}
	}

}

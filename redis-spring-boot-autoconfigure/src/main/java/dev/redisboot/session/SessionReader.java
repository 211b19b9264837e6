package dev.redisboot.session;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.redisboot.session.SessionCommands.Failure;
import dev.redisboot.session.UnreadableSessionException.Cause;
import org.jspecify.annotations.Nullable;

import org.springframework.session.MapSession;

import static dev.redisboot.session.SessionKeys.ATTRIBUTE_PREFIX;
import static dev.redisboot.session.SessionKeys.CREATION_TIME;
import static dev.redisboot.session.SessionKeys.INDEX_EXPIRY;
import static dev.redisboot.session.SessionKeys.LAST_ACCESSED_TIME;
import static dev.redisboot.session.SessionKeys.MAX_INACTIVE_INTERVAL;
import static dev.redisboot.session.SessionKeys.PRINCIPAL;
import static dev.redisboot.session.SessionKeys.SESSION_FAMILY;
import static dev.redisboot.session.SessionKeys.SESSION_ID;
import static dev.redisboot.session.SessionKeys.string;

/**
 * Reads session hashes. A session that cannot be read (corrupt, a changed or refused
 * class, undecryptable) is no session: counted, logged once per cause, and left in Redis to
 * expire, so that an instance of the previous version can still read it during a rolling
 * deploy.
 *
 * @author redisboot
 */
final class SessionReader {

	private final SessionCommands commands;

	private final SessionKeys keys;

	private final SessionAttributeCodec codec;

	private final SessionIdCipher ids;

	private final SessionReporter reporter;

	SessionReader(SessionCommands commands, SessionKeys keys, SessionAttributeCodec codec, SessionIdCipher ids,
			SessionReporter reporter) {
		this.commands = commands;
		this.keys = keys;
		this.codec = codec;
		this.ids = ids;
		this.reporter = reporter;
	}

	/**
	 * Loads a session with one {@code HGETALL}.
	 * @return the session, {@code null} if there is none, it cannot be read, or it has
	 * expired (it is deleted then, as Spring Session's repositories do; the clean-up still
	 * counts it as expired)
	 */
	@Nullable StoredSession load(String id) {
		return this.commands.await(loadAsync(id));
	}

	/**
	 * Like {@link #load}, without waiting: what both repositories run.
	 */
	CompletableFuture<@Nullable StoredSession> loadAsync(String id) {
		byte[] key = this.keys.sessionKey(this.keys.handle(id));
		return this.commands.executeAsync((commands) -> commands.hgetall(key)).handle((stored, failure) -> {
			if (failure != null) {
				return this.commands
					.absorbAndRepairAsync(SessionCommands.redisFailure(failure), SESSION_FAMILY, "read", key, "hash")
					.thenApply((ignored) -> (StoredSession) null);
			}
			if (stored == null || stored.isEmpty()) {
				return CompletableFuture.<@Nullable StoredSession>completedFuture(null);
			}
			StoredSession session = readOrNull(id, stored);
			if (session != null && session.session().isExpired()) {
				return this.commands.deleteQuietlyAsync(key, SESSION_FAMILY).thenApply((ignored) -> (StoredSession) null);
			}
			return CompletableFuture.completedFuture(session);
		}).thenCompose(Function.identity());
	}

	/**
	 * Reads a session from its hash's fields.
	 * @return the session, {@code null} if it cannot be read
	 */
	@Nullable StoredSession readOrNull(String id, Map<byte[], byte[]> stored) {
		try {
			return read(id, stored);
		}
		catch (UnreadableSessionException ex) {
			this.reporter.unreadable(ex);
			return null;
		}
	}

	/**
	 * Reads sessions by their handles in one round trip, each with the id stored in it. A
	 * session without a readable id is left out until it is used (and counted as a fault); a
	 * session that cannot be read is left out.
	 * @param handles the handles
	 * @param gone collects the handles whose session no longer exists
	 * @return the sessions by id, in the order of their handles
	 */
	Map<String, StoredSession> readAll(List<byte[]> handles, List<byte[]> gone) {
		List<Object> stored = this.commands.settledPipeline((commands) -> handles.stream()
			.map((handle) -> commands.hgetall(this.keys.sessionKey(string(handle))))
			.toList());
		Map<String, StoredSession> sessions = new LinkedHashMap<>();
		for (int i = 0; i < handles.size(); i++) {
			String handle = string(handles.get(i));
			Object result = stored.get(i);
			if (result instanceof Failure failure) {
				this.commands.fault(SESSION_FAMILY, failure, "read");
				continue;
			}
			@SuppressWarnings("unchecked")
			Map<byte[], byte[]> fields = (Map<byte[], byte[]>) result;
			if (fields == null || fields.isEmpty()) {
				gone.add(handles.get(i));
				continue;
			}
			String id = this.ids.storedId(fields, handle);
			if (id == null) {
				this.reporter.fault(SESSION_FAMILY, SessionReporter.ID_UNAVAILABLE, "find by principal name", null);
				continue;
			}
			StoredSession session = readOrNull(id, fields);
			if (session != null) {
				sessions.put(id, session);
			}
		}
		return sessions;
	}

	private StoredSession read(String id, Map<byte[], byte[]> stored) {
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
				case PRINCIPAL -> principal = SessionKeys.isHandle(string(value)) ? string(value) : null;
				case INDEX_EXPIRY -> indexExpiry = number(field, value);
				case SESSION_ID -> idStored = id.equals(this.ids.decrypt(value, this.keys.handle(id)));
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
		return new StoredSession(session, principal, indexExpiry, idStored);
	}

	private static long number(String field, byte[] value) {
		try {
			return Long.parseLong(string(value));
		}
		catch (NumberFormatException ex) {
			throw new UnreadableSessionException(Cause.CORRUPT, "Session field '" + field + "' is not a number", ex);
		}
	}

	/**
	 * A session as read from its hash.
	 *
	 * @param session its id, times and attributes
	 * @param principal the digest of its principal's name, if it is indexed
	 * @param indexExpiry until when its principal's index is known to live, epoch ms
	 * @param idStored whether its encrypted id is stored
	 */
	record StoredSession(MapSession session, @Nullable String principal, long indexExpiry, boolean idStored) {
	}

}

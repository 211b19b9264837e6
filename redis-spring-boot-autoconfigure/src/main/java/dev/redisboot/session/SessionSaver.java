package dev.redisboot.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.session.SessionCommands.Failure;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;

import org.springframework.session.MapSession;
import org.springframework.session.PrincipalNameIndexResolver;

import static dev.redisboot.session.SessionKeys.ATTRIBUTE_PREFIX;
import static dev.redisboot.session.SessionKeys.CREATION_TIME;
import static dev.redisboot.session.SessionKeys.EXPIRATIONS_FAMILY;
import static dev.redisboot.session.SessionKeys.INDEX_EXPIRY;
import static dev.redisboot.session.SessionKeys.INDEX_FAMILY;
import static dev.redisboot.session.SessionKeys.LAST_ACCESSED_TIME;
import static dev.redisboot.session.SessionKeys.MAX_INACTIVE_INTERVAL;
import static dev.redisboot.session.SessionKeys.PRINCIPAL;
import static dev.redisboot.session.SessionKeys.SESSION_FAMILY;
import static dev.redisboot.session.SessionKeys.SESSION_ID;
import static dev.redisboot.session.SessionKeys.bytes;

/**
 * Writes what changed in a {@link RedisbootSession}, in one round trip when its id and
 * principal stay: the session script, plus for a new session its expiration entry and for a
 * new id or principal its index entry.
 * <p>
 * Revoked sessions stay revoked. A save of a session that is not new writes only if the
 * session's hash still exists. A new session id (session fixation protection) is written
 * under the new handle and indexed first, then the old hash is deleted; only the save whose
 * {@code DEL} removed it keeps its copy, every other (a concurrent id change, or one after a
 * revocation or delete) removes what it wrote. So at most one copy of a session lives on, and
 * never one that was revoked.
 *
 * @author redisboot
 */
final class SessionSaver {

	private final SessionCommands commands;

	private final SessionKeys keys;

	private final SessionAttributeCodec codec;

	private final SessionIdCipher ids;

	private final PrincipalIndex index;

	private final RequestScopedSessions scope;

	private final SessionReporter reporter;

	private static final CompletableFuture<@Nullable Void> DONE = CompletableFuture.completedFuture(null);

	private final PrincipalNameIndexResolver<MapSession> principalResolver = new PrincipalNameIndexResolver<>();

	SessionSaver(SessionCommands commands, SessionKeys keys, SessionAttributeCodec codec, SessionIdCipher ids,
			PrincipalIndex index, RequestScopedSessions scope, SessionReporter reporter) {
		this.commands = commands;
		this.keys = keys;
		this.codec = codec;
		this.ids = ids;
		this.index = index;
		this.scope = scope;
		this.reporter = reporter;
	}

	void save(RedisbootSession session) {
		RequestScopedSessions.Scope scope = this.scope.current();
		this.scope.failFast(() -> this.commands.await(saveAsync(session, scope)));
	}

	/**
	 * Saves a session without waiting: what both repositories run.
	 * @param session the session
	 * @param scope the request scope to tell what became of it
	 * @return done when saved, or given up
	 */
	CompletableFuture<@Nullable Void> saveAsync(RedisbootSession session, RequestScopedSessions.Scope scope) {
		if (session.isGone()) {
			return DONE;
		}
		Plan plan = plan(session);
		if (plan == null) {
			return DONE;
		}
		Write write = plan.write();
		return write(write).thenCompose((written) -> {
			if (written == Written.FAILED) {
				return drop(session, write.handle(), write.indexed(), write.fullWrite(), scope);
			}
			if (written == Written.GONE) {
				// revoked, expired or invalidated while this request was using it: do not bring it back
				this.reporter.fault(SESSION_FAMILY, SessionReporter.DELETED, "save", null);
				return drop(session, write.handle(), write.indexed(), false, scope);
			}
			if (!plan.moved()) {
				return saved(session, plan, scope);
			}
			if (written == Written.UNINDEXED) {
				// a new id that could not be indexed (so could not be revoked): remove this copy
				return drop(session, write.handle(), write.indexed(), true, scope);
			}
			return claim(plan.originalId(), plan.oldPrincipal()).thenCompose((claimed) -> {
				if (claimed) {
					return saved(session, plan, scope);
				}
				// a new id of a session that another request deleted, revoked or moved first: remove this copy
				this.reporter.fault(SESSION_FAMILY, SessionReporter.DELETED, "save", null);
				return drop(session, write.handle(), write.indexed(), true, scope);
			});
		});
	}

	private CompletableFuture<@Nullable Void> saved(RedisbootSession session, Plan plan,
			RequestScopedSessions.Scope scope) {
		scope.remember(plan.id(), session);
		if (plan.idChanged()) {
			scope.forget(plan.originalId());
		}
		boolean created = session.isNew();
		session.saved(plan.newPrincipal(), plan.newIndexExpiry(), plan.idStored());
		if (created) {
			this.reporter.created(session);
		}
		if (!plan.principalChanged()) {
			return DONE;
		}
		Write write = plan.write();
		return reindex(session, plan.oldPrincipal(), plan.moved() ? null : this.keys.handle(plan.originalId()),
				plan.newPrincipal(), write.handle(), write.indexTtl(), scope);
	}

	/**
	 * Works out what a save writes: everything for a new session or a new id, else what
	 * changed; the principal's digest and the index's extension when due.
	 * @return the plan, {@code null} if there is nothing to write
	 */
	private @Nullable Plan plan(RedisbootSession session) {
		String id = session.getId();
		String originalId = session.originalId();
		String handle = this.keys.handle(id);
		boolean idChanged = !id.equals(originalId);
		boolean moved = idChanged && !session.isNew();
		boolean fullWrite = session.isNew() || idChanged;
		Map<String, byte[]> set = new LinkedHashMap<>();
		List<String> delete = new ArrayList<>();
		long ttl = ttlMillis(session.getMaxInactiveInterval());
		long lastAccessed = session.getLastAccessedTime().toEpochMilli();
		if (fullWrite || session.timesChanged()) {
			set.put(LAST_ACCESSED_TIME, bytes(Long.toString(lastAccessed)));
			set.put(MAX_INACTIVE_INTERVAL, bytes(Long.toString(session.getMaxInactiveInterval().toSeconds())));
		}
		MapSession cached = session.cached();
		if (fullWrite) {
			set.put(CREATION_TIME, bytes(Long.toString(session.getCreationTime().toEpochMilli())));
			for (String name : cached.getAttributeNames()) {
				set.put(ATTRIBUTE_PREFIX + name, this.codec.encode(name, cached.getAttribute(name)));
			}
		}
		else {
			session.changedAttributes().forEach((name, value) -> {
				if (value != null) {
					set.put(ATTRIBUTE_PREFIX + name, this.codec.encode(name, value));
				}
				else {
					delete.add(ATTRIBUTE_PREFIX + name);
				}
			});
		}
		byte[] encryptedId = (fullWrite || (!session.idStored() && !set.isEmpty())) ? this.ids.encrypt(id, handle)
				: null;
		if (encryptedId != null) {
			set.put(SESSION_ID, encryptedId);
		}
		String oldPrincipal = session.principal();
		String newPrincipal = oldPrincipal;
		if (fullWrite || !session.changedAttributes().isEmpty()) {
			String name = this.principalResolver.resolveIndexValueFor(cached);
			newPrincipal = (name != null) ? this.keys.principalDigest(name) : null;
		}
		boolean principalChanged = !Objects.equals(newPrincipal, oldPrincipal) || (idChanged && newPrincipal != null);
		if (fullWrite || !Objects.equals(newPrincipal, oldPrincipal)) {
			if (newPrincipal != null) {
				set.put(PRINCIPAL, bytes(newPrincipal));
			}
			else if (!fullWrite) {
				delete.add(PRINCIPAL);
				delete.add(INDEX_EXPIRY);
			}
		}
		long expiry = (ttl > 0) ? lastAccessed + ttl : Long.MAX_VALUE;
		long newIndexExpiry = session.indexExpiry();
		boolean extendIndex = false;
		if (newPrincipal != null && (principalChanged || expiry > session.indexExpiry())) {
			// The index must outlive every session in it; extending it by a whole timeout at a time
			// means a session touches it about once per timeout, not on every request.
			newIndexExpiry = (ttl > 0) ? expiry + ttl : Long.MAX_VALUE;
			set.put(INDEX_EXPIRY, bytes(Long.toString(newIndexExpiry)));
			extendIndex = !principalChanged;
		}
		if (set.isEmpty() && delete.isEmpty()) {
			return null;
		}
		// a new id is indexed before the old session is claimed, so that a revocation sees one of them
		String indexed = (newPrincipal != null && (extendIndex || moved)) ? newPrincipal : null;
		long indexTtl = (newIndexExpiry == Long.MAX_VALUE) ? 0 : Math.max(1, newIndexExpiry - lastAccessed);
		Write write = new Write(handle, fullWrite, ttl, set, delete, expiry, indexed, indexTtl,
				session.getCreationTime().toEpochMilli());
		return new Plan(id, originalId, idChanged, moved, oldPrincipal, newPrincipal, principalChanged, newIndexExpiry,
				encryptedId != null, write);
	}

	/**
	 * Runs the session script, with the expiration entry of a full write and the index entry
	 * if asked for, in one round trip; counts the faults of the bookkeeping steps.
	 */
	private CompletableFuture<Written> write(Write write) {
		byte[][] args = write.scriptArguments();
		byte[] key = this.keys.sessionKey(write.handle());
		return this.commands.settledPipelineAsync((commands) -> {
			List<CompletionStage<?>> futures = new ArrayList<>();
			futures.add(LettuceCommands.evalshaAsync(commands, SessionScripts.SAVE, ScriptOutputType.INTEGER,
					new byte[][] { key }, args));
			if (write.fullWrite()) {
				futures.add(LettuceCommands.evalshaAsync(commands, SessionScripts.ADD, ScriptOutputType.INTEGER,
						new byte[][] { this.keys.expirationsKey() }, bytes(Long.toString(write.expiry())),
						bytes(write.handle())));
			}
			String indexed = write.indexed();
			if (indexed != null) {
				futures.add(LettuceCommands.evalshaAsync(commands, SessionScripts.INDEX, ScriptOutputType.MULTI,
						new byte[][] { bytes(this.keys.principalKeyOfDigest(indexed)) }, bytes(write.handle()),
						bytes(Long.toString(write.creationTime())), bytes(Long.toString(write.indexTtl())), bytes("0")));
			}
			return futures;
		}).thenApply((results) -> written(write, results));
	}

	private Written written(Write write, List<Object> results) {
		int at = 1;
		if (write.fullWrite()) {
			Object added = results.get(at++);
			if (added instanceof Failure failure) {
				this.commands.fault(EXPIRATIONS_FAMILY, failure, "save");
			}
			else if (Long.valueOf(1).equals(added)) {
				this.reporter.fault(EXPIRATIONS_FAMILY, SessionReporter.WRONG_TYPE, "save", null);
			}
		}
		boolean indexFailed = false;
		if (write.indexed() != null) {
			Object outcome = results.get(at);
			if (outcome instanceof Failure failure) {
				this.commands.fault(INDEX_FAMILY, failure, "save");
				indexFailed = true;
			}
			else if (outcome instanceof List<?> flat && !flat.isEmpty() && Long.valueOf(1).equals(flat.get(0))) {
				this.reporter.fault(INDEX_FAMILY, SessionReporter.WRONG_TYPE, "save", null);
			}
		}
		Object saved = results.get(0);
		if (saved instanceof Failure failure) {
			this.commands.fault(SESSION_FAMILY, failure, "save");
			return Written.FAILED;
		}
		if (Long.valueOf(0).equals(saved)) {
			return Written.GONE;
		}
		return indexFailed ? Written.UNINDEXED : Written.WRITTEN;
	}

	/**
	 * Deletes the session under its old id, with its entries in the expiration set and
	 * the index: of all requests that change the id of one session, or delete it, only
	 * one removes it.
	 * @return whether this request removed it
	 */
	private CompletableFuture<Boolean> claim(String oldId, @Nullable String oldPrincipal) {
		String oldHandle = this.keys.handle(oldId);
		return this.commands.settledPipelineAsync((commands) -> {
			List<CompletionStage<?>> futures = new ArrayList<>();
			futures.add(LettuceCommands.evalshaAsync(commands, SessionScripts.CLAIM, ScriptOutputType.INTEGER,
					new byte[][] { this.keys.sessionKey(oldHandle) }));
			futures.add(commands.zrem(this.keys.expirationsKey(), bytes(oldHandle)));
			if (oldPrincipal != null) {
				futures.add(commands.zrem(bytes(this.keys.principalKeyOfDigest(oldPrincipal)), bytes(oldHandle)));
			}
			return futures;
		}).thenApply((results) -> claimed(oldId, results));
	}

	private boolean claimed(String oldId, List<Object> results) {
		if (results.get(1) instanceof Failure failure) {
			this.commands.fault(EXPIRATIONS_FAMILY, failure, "save");
		}
		if (results.size() > 2 && results.get(2) instanceof Failure failure) {
			this.commands.fault(INDEX_FAMILY, failure, "save");
		}
		if (results.get(0) instanceof Failure failure) {
			this.commands.fault(SESSION_FAMILY, failure, "save");
			return false;
		}
		if (Long.valueOf(1).equals(results.get(0))) {
			this.reporter.deleted(oldId);
			return true;
		}
		return false;
	}

	/**
	 * Moves the saved session to its principal's index and gives it up if that fails or
	 * revokes it.
	 */
	private CompletableFuture<@Nullable Void> reindex(RedisbootSession session, @Nullable String oldPrincipal,
			@Nullable String oldHandle, @Nullable String newPrincipal, String handle, long indexTtl,
			RequestScopedSessions.Scope scope) {
		return this.index
			.reindex(oldPrincipal, oldHandle, newPrincipal, handle, session.getCreationTime().toEpochMilli(), indexTtl,
					scope)
			.thenCompose((outcome) -> switch (outcome) {
				// an index that cannot be written drops the session, which could otherwise not be revoked
				case UNINDEXABLE -> drop(session, handle, null, true, scope);
				case REVOKED -> {
					session.markGone();
					scope.forget(session.getId());
					yield DONE;
				}
				case OVER_LIMIT -> {
					session.markGone();
					yield DONE;
				}
				case KEPT -> DONE;
			});
	}

	/**
	 * Gives the session up: removes what this save wrote, if it wrote the whole session
	 * under a new key, and its index entry.
	 */
	private CompletableFuture<@Nullable Void> drop(RedisbootSession session, String handle,
			@Nullable String indexedPrincipal, boolean wroteSession, RequestScopedSessions.Scope scope) {
		session.markGone();
		scope.forget(session.getId());
		scope.forget(session.originalId());
		if (!wroteSession && indexedPrincipal == null) {
			return DONE;
		}
		return this.commands.settledPipelineAsync((commands) -> {
			List<CompletionStage<?>> futures = new ArrayList<>();
			if (wroteSession) {
				futures.add(commands.del(this.keys.sessionKey(handle)));
				futures.add(commands.zrem(this.keys.expirationsKey(), bytes(handle)));
			}
			if (indexedPrincipal != null) {
				futures.add(commands.zrem(bytes(this.keys.principalKeyOfDigest(indexedPrincipal)), bytes(handle)));
			}
			return futures;
		}).thenAccept((results) -> {
			for (Object result : results) {
				if (result instanceof Failure failure) {
					SessionReporter.logger.debug("Could not remove a dropped session's keys", failure.exception());
				}
			}
		});
	}

	private static long ttlMillis(Duration interval) {
		return (interval.isNegative() || interval.isZero()) ? 0 : interval.toMillis();
	}

	/**
	 * A save: what it writes, and what the session is after it.
	 *
	 * @param id the session's id
	 * @param originalId its id as stored
	 * @param idChanged whether it has a new id
	 * @param moved whether a stored session gets a new id
	 * @param oldPrincipal the digest of its principal as stored
	 * @param newPrincipal the digest of its principal now
	 * @param principalChanged whether it must be moved to its principal's index
	 * @param newIndexExpiry until when its principal's index lives after the save
	 * @param idStored whether the save stores its encrypted id
	 * @param write what the save writes
	 */
	private record Plan(String id, String originalId, boolean idChanged, boolean moved, @Nullable String oldPrincipal,
			@Nullable String newPrincipal, boolean principalChanged, long newIndexExpiry, boolean idStored,
			Write write) {
	}

	/**
	 * What a save writes.
	 *
	 * @param handle the session's handle
	 * @param fullWrite whether the whole session is written (new, or under a new id)
	 * @param ttl its TTL in ms, 0 for none
	 * @param set the hash fields to set
	 * @param delete the hash fields to delete
	 * @param expiry its expiry, epoch ms, for the expiration set
	 * @param indexed the digest of the principal whose index gets an entry now, if any
	 * @param indexTtl how long that index must live at least, in ms, 0 for ever
	 * @param creationTime the session's creation time, epoch ms, the index entry's score
	 */
	private record Write(String handle, boolean fullWrite, long ttl, Map<String, byte[]> set, List<String> delete,
			long expiry, @Nullable String indexed, long indexTtl, long creationTime) {

		byte[][] scriptArguments() {
			byte[][] args = new byte[3 + 2 * this.set.size() + this.delete.size()][];
			args[0] = bytes(this.fullWrite ? "1" : "0");
			args[1] = bytes(Long.toString(this.ttl));
			args[2] = bytes(Integer.toString(this.set.size()));
			int i = 3;
			for (Map.Entry<String, byte[]> field : this.set.entrySet()) {
				args[i++] = bytes(field.getKey());
				args[i++] = field.getValue();
			}
			for (String field : this.delete) {
				args[i++] = bytes(field);
			}
			return args;
		}

	}

	/**
	 * What became of a write.
	 */
	private enum Written {

		/**
		 * Written, and indexed if asked for.
		 */
		WRITTEN,

		/**
		 * Written, but its index entry could not be.
		 */
		UNINDEXED,

		/**
		 * The session was gone: nothing written.
		 */
		GONE,

		/**
		 * Redis refused the write.
		 */
		FAILED

	}

}

package dev.redisboot.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.session.SessionCommands.Failure;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;

import static dev.redisboot.session.SessionKeys.CREATION_TIME;
import static dev.redisboot.session.SessionKeys.EXPIRATIONS_FAMILY;
import static dev.redisboot.session.SessionKeys.INDEX_FAMILY;
import static dev.redisboot.session.SessionKeys.LAST_ACCESSED_TIME;
import static dev.redisboot.session.SessionKeys.MAX_INACTIVE_INTERVAL;
import static dev.redisboot.session.SessionKeys.SESSION_FAMILY;
import static dev.redisboot.session.SessionKeys.SESSION_ID;
import static dev.redisboot.session.SessionKeys.bytes;
import static dev.redisboot.session.SessionKeys.string;

/**
 * The principal index: per principal, a sorted set of its sessions' handles scored by
 * creation time, expiring after the last of them. Members whose session is gone are pruned
 * whenever it is read or written, so no keyspace notifications are needed. Lists a
 * principal's sessions, revokes them (sign out everywhere, one device, over the maximum per
 * principal) and moves a session between indexes when its principal changes.
 *
 * @author redisboot
 */
final class PrincipalIndex {

	// rounds of a revocation: each later one finds only sessions that id changes moved meanwhile
	private static final int MAX_REVOCATION_ROUNDS = 5;

	private final SessionCommands commands;

	private final SessionKeys keys;

	private final SessionIdCipher ids;

	private final RequestScopedSessions scope;

	private final SessionReporter reporter;

	private volatile int maxSessionsPerPrincipal;

	PrincipalIndex(SessionCommands commands, SessionKeys keys, SessionIdCipher ids, RequestScopedSessions scope,
			SessionReporter reporter) {
		this.commands = commands;
		this.keys = keys;
		this.ids = ids;
		this.scope = scope;
		this.reporter = reporter;
	}

	void setMaxSessionsPerPrincipal(int maxSessionsPerPrincipal) {
		this.maxSessionsPerPrincipal = maxSessionsPerPrincipal;
	}

	/**
	 * Reads a principal index. A key of another type is deleted (the index is rebuilt as
	 * sessions are used) and reads as empty, as does an index that Redis refuses to read.
	 */
	List<ScoredValue<byte[]>> members(byte[] indexKey) {
		try {
			List<ScoredValue<byte[]>> members = this.commands
				.execute((commands) -> commands.zrangeWithScores(indexKey, 0, -1));
			return (members != null) ? members : List.of();
		}
		catch (RedisCommandException ex) {
			this.commands.absorbAndRepair(ex, INDEX_FAMILY, "read", indexKey, "zset");
			return List.of();
		}
	}

	/**
	 * Samples the principal indexes: {@code SCAN} for them, {@code COUNT 100} a call, until
	 * {@code maxKeys} were found or the keyspace ends, then {@code ZCARD} of each found, all in
	 * one round trip. A key of another type, or one that Redis refuses, is left out.
	 * @param maxKeys most indexes to read
	 * @param top most principals to return
	 * @return the principals' digests with their indexed sessions (expired ones are pruned
	 * when read, so this may count a few too many), most first, and how many indexes were read
	 */
	PrincipalSample sample(int maxKeys, int top) {
		byte[] pattern = bytes(this.keys.principalKeyOfDigest("*"));
		String prefix = this.keys.principalKeyOfDigest("");
		List<byte[]> found = new ArrayList<>();
		ScanCursor cursor = ScanCursor.INITIAL;
		boolean complete = false;
		try {
			while (found.size() < maxKeys) {
				ScanCursor from = cursor;
				KeyScanCursor<byte[]> page = this.commands
					.execute((commands) -> commands.scan(from, ScanArgs.Builder.matches(pattern).limit(100)));
				if (page == null) {
					break;
				}
				for (byte[] key : page.getKeys()) {
					if (found.size() < maxKeys && SessionKeys.isHandle(string(key).substring(prefix.length()))) {
						found.add(key);
					}
				}
				cursor = page;
				if (page.isFinished()) {
					complete = true;
					break;
				}
			}
			List<Long> sizes = found.isEmpty() ? List.of() : this.commands.execute((commands) -> {
				List<CompletableFuture<Long>> cards = found.stream()
					.map((key) -> commands.zcard(key).toCompletableFuture().exceptionally((ex) -> -1L))
					.toList();
				return CompletableFuture.allOf(cards.toArray(CompletableFuture[]::new))
					.thenApply((ignored) -> cards.stream().map(CompletableFuture::join).toList());
			});
			List<PrincipalCount> counts = new ArrayList<>();
			for (int i = 0; sizes != null && i < found.size(); i++) {
				if (sizes.get(i) > 0) {
					counts.add(new PrincipalCount(
							this.keys.displayOfPrincipalDigest(string(found.get(i)).substring(prefix.length())), sizes.get(i)));
				}
			}
			counts.sort(Comparator.comparingLong(PrincipalCount::sessions).reversed().thenComparing(PrincipalCount::principal));
			return new PrincipalSample(counts.subList(0, Math.min(top, counts.size())), found.size(), complete);
		}
		catch (RedisCommandException ex) {
			this.commands.absorb(ex, INDEX_FAMILY, "sample");
			return new PrincipalSample(List.of(), found.size(), false);
		}
	}

	/**
	 * A principal, as the digest its index is named by, and its indexed sessions.
	 * @param principal {@code #} and the digest
	 * @param sessions the sessions in its index
	 */
	record PrincipalCount(String principal, long sessions) {
	}

	/**
	 * A sample of the principal indexes.
	 * @param top the principals with most sessions
	 * @param indexesRead how many indexes were read
	 * @param complete whether the whole keyspace was scanned
	 */
	record PrincipalSample(List<PrincipalCount> top, int indexesRead, boolean complete) {
	}

	void prune(byte[] indexKey, List<byte[]> gone) {
		this.commands.await(pruneAsync(indexKey, gone));
	}

	private CompletableFuture<@Nullable Void> pruneAsync(byte[] indexKey, List<byte[]> gone) {
		if (gone.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		return this.commands.executeAsync((commands) -> commands.zrem(indexKey, gone.toArray(byte[][]::new)))
			.handle((removed, failure) -> {
				if (failure != null) {
					this.commands.absorb(SessionCommands.redisFailure(failure), INDEX_FAMILY, "prune");
				}
				return null;
			});
	}

	List<SessionSummary> findSessions(String principalName) {
		byte[] indexKey = this.keys.principalKey(principalName);
		List<ScoredValue<byte[]>> members = members(indexKey);
		if (members.isEmpty()) {
			return List.of();
		}
		List<Object> fields = this.commands.settledPipeline((commands) -> members.stream()
			.map((member) -> commands.hmget(this.keys.sessionKey(string(member.getValue())), bytes(CREATION_TIME),
					bytes(LAST_ACCESSED_TIME), bytes(MAX_INACTIVE_INTERVAL)))
			.toList());
		List<SessionSummary> sessions = new ArrayList<>();
		List<byte[]> gone = new ArrayList<>();
		for (int i = 0; i < members.size(); i++) {
			Object result = fields.get(i);
			if (result instanceof Failure failure) {
				this.commands.fault(SESSION_FAMILY, failure, "list");
				if (SessionReporter.WRONG_TYPE.equals(SessionCommands.faultOf(failure.exception()))) {
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
	 * Revokes every indexed session of a principal but one. An id change indexes its new
	 * session before it claims the old one, so one whose claim won before this revocation
	 * deleted the old session has its new session in the index by then: reading the index
	 * again after each round of deletions finds it. Rounds end when one finds nothing new.
	 */
	int revoke(String principalName, @Nullable String keptHandle) {
		byte[] indexKey = this.keys.principalKey(principalName);
		Set<String> seen = new HashSet<>();
		int revoked = 0;
		for (int round = 0; round < MAX_REVOCATION_ROUNDS; round++) {
			List<String> targets = members(indexKey).stream()
				.map((member) -> string(member.getValue()))
				.filter((handle) -> !handle.equals(keptHandle) && seen.add(handle))
				.toList();
			if (targets.isEmpty()) {
				break;
			}
			revoked += this.commands.await(deleteSessions(indexKey, targets, "revoked", this.scope.current()));
		}
		return revoked;
	}

	/**
	 * Revokes one session of a principal, named by its handle or its id.
	 */
	boolean revokeOne(String principalName, String session) {
		byte[] indexKey = this.keys.principalKey(principalName);
		String byId = this.keys.handle(session);
		List<Object> scores = this.commands.settledPipeline((commands) -> List
			.of(commands.zscore(indexKey, bytes(session)), commands.zscore(indexKey, bytes(byId))));
		String handle = (scores.get(0) instanceof Double) ? session : (scores.get(1) instanceof Double) ? byId : null;
		if (handle == null) {
			scores.stream()
				.filter(Failure.class::isInstance)
				.findFirst()
				.ifPresent((failure) -> this.commands.fault(INDEX_FAMILY, (Failure) failure, "read"));
			return false;
		}
		return this.commands.await(deleteSessions(indexKey, List.of(handle), "revoked", this.scope.current())) == 1;
	}

	/**
	 * Deletes sessions of one principal and their index entries, reading each one's
	 * encrypted id in the same round trip for the {@code SessionDeletedEvent}.
	 * @return how many sessions existed and were deleted
	 */
	private CompletableFuture<Integer> deleteSessions(byte[] indexKey, List<String> handles, String reason,
			RequestScopedSessions.Scope scope) {
		if (handles.isEmpty()) {
			return CompletableFuture.completedFuture(0);
		}
		byte[][] members = handles.stream().map(SessionKeys::bytes).toArray(byte[][]::new);
		return this.commands.settledPipelineAsync((commands) -> {
			List<CompletionStage<?>> futures = new ArrayList<>();
			for (String handle : handles) {
				byte[] key = this.keys.sessionKey(handle);
				// one connection, one node: the HGET runs before the DEL
				futures.add(commands.hget(key, bytes(SESSION_ID)));
				futures.add(commands.del(key));
			}
			futures.add(commands.zrem(indexKey, members));
			futures.add(commands.zrem(this.keys.expirationsKey(), members));
			return futures;
		}).thenApply((results) -> deleted(handles, results, reason, scope));
	}

	private int deleted(List<String> handles, List<Object> results, String reason, RequestScopedSessions.Scope scope) {
		int deleted = 0;
		for (int i = 0; i < handles.size(); i++) {
			String handle = handles.get(i);
			Object storedId = results.get(2 * i);
			Object outcome = results.get(2 * i + 1);
			if (outcome instanceof Failure failure) {
				this.commands.fault(SESSION_FAMILY, failure, "revoke");
				continue;
			}
			if (((Long) outcome) > 0) {
				deleted++;
				String id = (storedId instanceof byte[] encrypted) ? this.ids.decrypt(encrypted, handle) : null;
				if (id != null) {
					scope.forget(id);
				}
				this.reporter.deleted((id != null) ? id : handle);
			}
		}
		if (results.get(results.size() - 2) instanceof Failure failure) {
			this.commands.fault(INDEX_FAMILY, failure, "revoke");
		}
		if (results.get(results.size() - 1) instanceof Failure failure) {
			this.commands.fault(EXPIRATIONS_FAMILY, failure, "revoke");
		}
		if (deleted > 0) {
			this.reporter.revoked(reason, deleted);
		}
		return deleted;
	}

	/**
	 * Moves a session from one principal's index to another's (sign-in, sign-out without
	 * invalidation), prunes entries of sessions that are gone, and revokes the oldest
	 * sessions over the maximum. The session itself is among the entries checked: if it was
	 * revoked before it was indexed, its entry is removed again. Concurrent sign-ins of one
	 * principal all see the same members ordered by creation time and so revoke the same
	 * sessions.
	 * @param oldPrincipal the digest of the principal the session was indexed under
	 * @param oldHandle the handle it was indexed with, {@code null} if that entry is gone
	 * @param newPrincipal the digest of its principal now, {@code null} for none
	 * @param handle its handle now
	 * @param creationTime its creation time, epoch ms
	 * @param indexTtl how long the index must live at least, in ms, 0 for ever
	 * @return what became of the session
	 */
	CompletableFuture<Reindexed> reindex(@Nullable String oldPrincipal, @Nullable String oldHandle,
			@Nullable String newPrincipal, String handle, long creationTime, long indexTtl,
			RequestScopedSessions.Scope scope) {
		CompletableFuture<@Nullable Void> pruned = CompletableFuture.completedFuture(null);
		if (oldPrincipal != null && oldHandle != null
				&& (!oldPrincipal.equals(newPrincipal) || !oldHandle.equals(handle))) {
			pruned = pruneAsync(bytes(this.keys.principalKeyOfDigest(oldPrincipal)), List.of(bytes(oldHandle)));
		}
		if (newPrincipal == null) {
			return pruned.thenApply((ignored) -> Reindexed.KEPT);
		}
		byte[] indexKey = bytes(this.keys.principalKeyOfDigest(newPrincipal));
		return pruned
			.thenCompose((ignored) -> this.commands.<List<Object>>evalshaAsync(SessionScripts.INDEX,
					ScriptOutputType.MULTI, new byte[][] { indexKey }, bytes(handle), bytes(Long.toString(creationTime)),
					bytes(Long.toString(indexTtl)), bytes("1")))
			.handle((flat, failure) -> {
				if (failure != null) {
					this.commands.absorb(SessionCommands.redisFailure(failure), INDEX_FAMILY, "sign-in");
					return CompletableFuture.completedFuture(Reindexed.UNINDEXABLE);
				}
				if (flat == null || flat.isEmpty()) {
					return CompletableFuture.completedFuture(Reindexed.KEPT);
				}
				if (Long.valueOf(1).equals(flat.get(0))) {
					this.reporter.fault(INDEX_FAMILY, SessionReporter.WRONG_TYPE, "sign-in", null);
				}
				return liveMembers(indexKey, flat).thenCompose((live) -> limit(indexKey, live, handle, scope));
			})
			.thenCompose(Function.identity());
	}

	/**
	 * Revokes the oldest sessions over the maximum per principal.
	 */
	private CompletableFuture<Reindexed> limit(byte[] indexKey, List<Member> live, String handle,
			RequestScopedSessions.Scope scope) {
		if (live.stream().noneMatch((member) -> member.handle().equals(handle))) {
			return CompletableFuture.completedFuture(Reindexed.REVOKED);
		}
		int max = this.maxSessionsPerPrincipal;
		if (max <= 0 || live.size() <= max) {
			return CompletableFuture.completedFuture(Reindexed.KEPT);
		}
		List<Member> sorted = new ArrayList<>(live);
		sorted.sort(Comparator.comparingDouble(Member::created).thenComparing(Member::handle));
		List<String> oldest = sorted.subList(0, sorted.size() - max).stream().map(Member::handle).toList();
		return deleteSessions(indexKey, oldest, "max-sessions", scope)
			.thenApply((deleted) -> oldest.contains(handle) ? Reindexed.OVER_LIMIT : Reindexed.KEPT);
	}

	/**
	 * Checks which members of an index, as the index script returned them, still have a
	 * session, and prunes the others. A member whose check fails counts as live.
	 */
	private CompletableFuture<List<Member>> liveMembers(byte[] indexKey, List<Object> flat) {
		List<Member> members = new ArrayList<>();
		for (int i = 1; i + 1 < flat.size(); i += 2) {
			members.add(new Member(string((byte[]) flat.get(i)), Double.parseDouble(string((byte[]) flat.get(i + 1)))));
		}
		return this.commands.settledPipelineAsync((commands) -> members.stream()
			.map((member) -> commands.exists(this.keys.sessionKey(member.handle())))
			.toList()).thenCompose((exists) -> {
				List<byte[]> gone = new ArrayList<>();
				List<Member> live = new ArrayList<>();
				for (int i = 0; i < members.size(); i++) {
					Object result = exists.get(i);
					if (result instanceof Failure failure) {
						this.commands.fault(SESSION_FAMILY, failure, "sign-in");
						live.add(members.get(i));
					}
					else if (((Long) result) > 0) {
						live.add(members.get(i));
					}
					else {
						gone.add(bytes(members.get(i).handle()));
					}
				}
				return pruneAsync(indexKey, gone).thenApply((ignored) -> live);
			});
	}

	private record Member(String handle, double created) {
	}

	/**
	 * What became of a session that was moved to its principal's index.
	 */
	enum Reindexed {

		/**
		 * It is indexed (or has no principal) and lives on.
		 */
		KEPT,

		/**
		 * Its index could not be written, so it could not be revoked: drop it.
		 */
		UNINDEXABLE,

		/**
		 * It was revoked between its save and its indexing.
		 */
		REVOKED,

		/**
		 * It was among the oldest sessions over the maximum per principal, and revoked.
		 */
		OVER_LIMIT

	}

}

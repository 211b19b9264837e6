package dev.redisboot.session;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.redisboot.core.redis.RedisCommandException;
import org.jspecify.annotations.Nullable;

/**
 * The sessions one request has looked up or saved, by id, on the request's thread: Spring
 * Session's filter asks for the requested session again when it commits, which would
 * otherwise cost one {@code HGETALL} each time. Also remembers that an id has no session
 * (deleted, revoked, moved), and that Redis did not answer: the request has failed then,
 * and a later look-up or save of the same request (Spring Session's filter commits when the
 * response is committed and again when it ends) fails at once instead of waiting for the
 * timeout again. Outside a scope nothing is remembered.
 *
 * @author redisboot
 */
final class RequestScopedSessions {

	private final ThreadLocal<@Nullable Scope> scope = new ThreadLocal<>();

	/**
	 * Opens a scope on this thread.
	 * @return whether one was opened, {@code false} if one is open already
	 */
	boolean open() {
		if (this.scope.get() != null) {
			return false;
		}
		this.scope.set(new Scope());
		return true;
	}

	void close() {
		this.scope.remove();
	}

	/**
	 * Finds a session in the scope, loading it on first use.
	 */
	@Nullable RedisbootSession find(String id, Function<String, @Nullable RedisbootSession> load) {
		Scope scope = this.scope.get();
		if (scope == null) {
			return load.apply(id);
		}
		Optional<RedisbootSession> known = scope.sessions.get(id);
		if (known == null) {
			known = Optional.ofNullable(failFast(() -> load.apply(id)));
			scope.sessions.put(id, known);
		}
		return known.orElse(null);
	}

	/**
	 * Runs a Redis operation of the request: fails at once with the same exception if Redis
	 * did not answer earlier in the request, and remembers it if Redis does not answer now.
	 */
	<T extends @Nullable Object> T failFast(Supplier<T> operation) {
		Scope scope = this.scope.get();
		if (scope == null) {
			return operation.get();
		}
		if (scope.unavailable != null) {
			throw scope.unavailable;
		}
		try {
			return operation.get();
		}
		catch (RedisCommandException ex) {
			if (ex.isRedisUnavailable()) {
				scope.unavailable = ex;
			}
			throw ex;
		}
	}

	/**
	 * Remembers that an id has no session any more.
	 */
	void forget(String id) {
		current().forget(id);
	}

	/**
	 * The scope of this thread's request, for steps that finish on another thread (a Redis
	 * client's), or one that remembers nothing outside a request scope.
	 */
	Scope current() {
		Scope scope = this.scope.get();
		return (scope != null) ? scope : Scope.NONE;
	}

	/**
	 * What one request has learnt: sessions (or their absence) by id, and whether Redis did
	 * not answer. Used by one request at a time: its thread, or the thread that completes
	 * the Redis call that thread waits for.
	 */
	static final class Scope {

		/**
		 * Remembers nothing: outside a request scope, and in reactive applications, whose
		 * session manager keeps a request's session itself.
		 */
		static final Scope NONE = new Scope();

		final Map<String, Optional<RedisbootSession>> sessions = new HashMap<>(4);

		@Nullable RedisCommandException unavailable;

		void remember(String id, RedisbootSession session) {
			put(id, session);
		}

		/**
		 * Remembers that an id has no session any more.
		 */
		void forget(String id) {
			put(id, null);
		}

		private void put(String id, @Nullable RedisbootSession session) {
			if (this != NONE) {
				this.sessions.put(id, Optional.ofNullable(session));
			}
		}

	}

}

package dev.redisboot.session;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.redisboot.core.redis.RedisCommandException;
import org.jspecify.annotations.Nullable;

/**
 * The sessions one request has looked up or saved, by id, on the request's thread: Spring
 * Session's filter asks for the requested session again when it commits, which would
 * otherwise cost one {@code HGETALL} each time. Also remembers that an id has no session
 * (deleted, revoked, moved), and that Redis was unavailable: the rest of the request (Spring
 * Session's commit asks again) fails at once with the same exception instead of waiting for
 * the timeout a second time. Outside a scope nothing is remembered.
 *
 * @author redisboot
 */
final class RequestScopedSessions {

	private final ThreadLocal<@Nullable Map<String, Optional<RedisbootSession>>> scope = new ThreadLocal<>();

	private final ThreadLocal<@Nullable RedisCommandException> unavailable = new ThreadLocal<>();

	/**
	 * Opens a scope on this thread.
	 * @return whether one was opened, {@code false} if one is open already
	 */
	boolean open() {
		if (this.scope.get() != null) {
			return false;
		}
		this.scope.set(new HashMap<>(4));
		return true;
	}

	void close() {
		this.scope.remove();
		this.unavailable.remove();
	}

	/**
	 * Finds a session in the scope, loading it on first use.
	 */
	@Nullable RedisbootSession find(String id, Function<String, @Nullable RedisbootSession> load) {
		Map<String, Optional<RedisbootSession>> sessions = this.scope.get();
		if (sessions == null) {
			return load.apply(id);
		}
		Optional<RedisbootSession> known = sessions.get(id);
		if (known == null) {
			RedisCommandException failed = this.unavailable.get();
			if (failed != null) {
				throw failed;
			}
			try {
				known = Optional.ofNullable(load.apply(id));
			}
			catch (RedisCommandException ex) {
				if (ex.isRedisUnavailable()) {
					this.unavailable.set(ex);
				}
				throw ex;
			}
			sessions.put(id, known);
		}
		return known.orElse(null);
	}

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
		Map<String, Optional<RedisbootSession>> sessions = this.scope.get();
		if (sessions != null) {
			sessions.put(id, Optional.ofNullable(session));
		}
	}

}

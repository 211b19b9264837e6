package dev.redisboot.session;

import java.util.Map;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;

import org.springframework.session.MapSession;
import org.springframework.session.data.redis.RedisSessionMapper;

/**
 * Maps a stored session as Spring Session does, except that a session with a value that
 * {@link SessionJsonRedisSerializer} could not read is no session at all, rather than a
 * session missing one attribute (which could be the one that restricts what its user may
 * do).
 * <p>
 * Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class UnreadableAwareSessionMapper implements BiFunction<String, Map<String, Object>, MapSession> {

	private final RedisSessionMapper delegate = new RedisSessionMapper();

	@Override
	public @Nullable MapSession apply(String sessionId, Map<String, Object> map) {
		if (map.containsValue(SessionJsonRedisSerializer.UNREADABLE)) {
			return null;
		}
		try {
			return this.delegate.apply(sessionId, map);
		}
		catch (IllegalStateException | ClassCastException ex) {
			return null; // a required field missing or of another type: corrupt
		}
	}

}

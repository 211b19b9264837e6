package dev.redisboot.sample.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

import dev.redisboot.session.SessionSummary;
import org.jspecify.annotations.Nullable;

/**
 * One of the signed-in user's sessions, as {@code GET /api/me/sessions} lists them.
 * <p>
 * The session id itself is never shown: it is what the {@code HttpOnly} cookie carries, and
 * a script that could read the ids (say, through an XSS hole) could take over every session
 * of the user. A session is told apart by a handle instead, a digest of its id.
 *
 * @param handle a digest of the session id: stable, but useless as a cookie
 * @param createdAt when the session was signed in
 * @param lastUsedAt when it was last used
 * @param expiresAt when it expires if not used before, {@code null} if never
 * @param current whether it is the session of the request that asked
 * @author redisboot
 */
public record SessionView(String handle, Instant createdAt, Instant lastUsedAt, @Nullable Instant expiresAt,
		boolean current) {

	static SessionView of(SessionSummary summary, @Nullable String currentSessionId) {
		return new SessionView(handle(summary.id()), summary.creationTime(), summary.lastAccessedTime(),
				summary.expiresAt(), summary.id().equals(currentSessionId));
	}

	/**
	 * The handle of a session id: the first 16 hex digits of its SHA-256.
	 * @param sessionId the session id
	 * @return the handle
	 */
	public static String handle(String sessionId) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}

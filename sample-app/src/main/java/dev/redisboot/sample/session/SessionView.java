package dev.redisboot.sample.session;

import java.time.Instant;

import dev.redisboot.session.SessionSummary;
import org.jspecify.annotations.Nullable;

/**
 * One of the signed-in user's sessions, as {@code GET /api/me/sessions} lists them.
 * <p>
 * The session id itself is never shown: it is what the {@code HttpOnly} cookie carries, and
 * a script that could read the ids (say, through an XSS hole) could take over every session
 * of the user. A session is told apart by its handle instead, the keyed digest of its id that
 * redisboot also stores it under, and signed out by it
 * ({@code DELETE /api/me/sessions/{handle}}).
 *
 * @param handle the session's handle: stable, but useless as a cookie
 * @param createdAt when the session was created (before the sign-in, when the browser had a
 * session already, for a sign-up say)
 * @param lastUsedAt when it was last used
 * @param expiresAt when it expires if not used before, {@code null} if never
 * @param current whether it is the session of the request that asked
 * @param device where it was signed in, such as {@code Firefox on Linux} (from the
 * {@code User-Agent} header), {@code Unknown device} when that was not recorded
 * @param signedInAt when it was signed in, {@code null} when that was not recorded
 * @author redisboot
 */
public record SessionView(String handle, Instant createdAt, Instant lastUsedAt, @Nullable Instant expiresAt,
		boolean current, String device, @Nullable Instant signedInAt) {

	static SessionView of(SessionSummary summary, @Nullable String currentHandle,
			SignInDevices.@Nullable SignIn signIn) {
		return new SessionView(summary.handle(), summary.creationTime(), summary.lastAccessedTime(),
				summary.expiresAt(), summary.handle().equals(currentHandle),
				(signIn != null) ? signIn.device() : DeviceName.UNKNOWN, (signIn != null) ? signIn.at() : null);
	}

}

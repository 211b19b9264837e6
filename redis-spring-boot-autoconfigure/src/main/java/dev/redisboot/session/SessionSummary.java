package dev.redisboot.session;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One signed-in session of a principal, as listed by {@link PrincipalSessions}: enough to show
 * "your devices" and to revoke one, no attribute values and no session id.
 *
 * @param handle the session's handle: a keyed digest of its id, stable for the session's
 * life, useless as a cookie; {@link PrincipalSessions#sessionHandle(String)} gives the
 * handle of the current session to tell it apart
 * @param creationTime when the session was created
 * @param lastAccessedTime when it was last used
 * @param expiresAt when it expires if not used again, {@code null} if it never expires
 * @author redisboot
 */
public record SessionSummary(String handle, Instant creationTime, Instant lastAccessedTime,
		@Nullable Instant expiresAt) {

}

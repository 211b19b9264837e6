package dev.redisboot.session;

import java.time.Instant;

/**
 * One signed-in session of a principal, as listed by {@link PrincipalSessions}: enough to show
 * "your devices" and to revoke one, no attribute values.
 *
 * @param id the session id; show it only to its owner
 * @param creationTime when the session was created
 * @param lastAccessedTime when it was last used
 * @param expiresAt when it expires if not used again, {@code null} if it never expires
 * @author redisboot
 */
public record SessionSummary(String id, Instant creationTime, Instant lastAccessedTime,
		@org.jspecify.annotations.Nullable Instant expiresAt) {

}

package dev.redisboot.sample.auth;

/**
 * The answer to {@code POST /api/auth/logout-everywhere}.
 *
 * @param revoked how many sessions of the user were revoked, the current one included
 * @author redisboot
 */
public record RevokedSessions(int revoked) {

}

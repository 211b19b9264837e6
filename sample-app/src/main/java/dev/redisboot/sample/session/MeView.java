package dev.redisboot.sample.session;

/**
 * The answer to {@code GET /api/me}: the signed-in user and how many sessions the user has.
 *
 * @param id the user's id
 * @param email the user's email address
 * @param name the user's display name
 * @param plan the user's plan, {@code free} or {@code pro}
 * @param sessions how many live sessions the user has, on all devices, this one included (up
 * to 5 seconds old, see {@code UserSessions.sessionCount})
 * @author redisboot
 */
public record MeView(long id, String email, String name, String plan, int sessions) {

}

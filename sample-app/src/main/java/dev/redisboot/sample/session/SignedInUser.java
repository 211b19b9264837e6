package dev.redisboot.sample.session;

/**
 * Who is signed into a session: what {@code GET /api/me} shows, kept in the session (as JSON
 * in Redis) so that no request after the sign-in reads the database. Small and plain on
 * purpose: never a JPA entity, and no API key or password hash, since anyone who can read
 * Redis can read it.
 *
 * @param id the user's id
 * @param email the user's email address, also the session's principal name
 * @param name the user's display name
 * @param plan the user's plan, {@code free} or {@code pro}, as of the sign-in
 * @author redisboot
 */
public record SignedInUser(long id, String email, String name, String plan) {

}

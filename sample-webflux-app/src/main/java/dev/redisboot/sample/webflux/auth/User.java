package dev.redisboot.sample.webflux.auth;

/**
 * An account.
 *
 * @param id the id
 * @param email the email address, which is also the session's principal name
 * @param name the display name
 * @param passwordHash the salted hash of the password
 * @param plan the plan of the account's API key ({@code free} or {@code pro}), whose limits
 * the {@code api} rate-limit rule applies
 * @param apiKey the account's API key
 * @author redisboot
 */
record User(long id, String email, String name, String passwordHash, String plan, String apiKey) {

}

package dev.redisboot.sample.auth;

/**
 * The answer to a successful {@code POST /api/auth/login}.
 *
 * @param apiKey the user's API key, to send as {@code X-API-Key}
 * @param plan the user's plan, {@code free} or {@code pro}, which sets the key's rate limits
 * @author redisboot
 */
public record LoginResponse(String apiKey, String plan) {

}

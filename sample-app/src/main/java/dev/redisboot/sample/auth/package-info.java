/**
 * Signing in and API keys: {@code POST /api/auth/login} hands out a demo user's API key,
 * which clients send as {@code X-API-Key}; the key's plan ({@code free} or {@code pro})
 * sets its rate limits, looked up through the {@code api-keys} cache. Also
 * {@code POST /api/auth/password-reset}, limited per email address with
 * {@code @RateLimited}. No Spring Security: passwords are checked by {@code DemoPasswords},
 * a demo stand-in.
 */
@NullMarked
package dev.redisboot.sample.auth;

import org.jspecify.annotations.NullMarked;

/**
 * Signing up, signing in and API keys: {@code POST /api/auth/signup} creates an account on
 * the free plan and enqueues its welcome mail as a background job (see the {@code mail}
 * package); {@code POST /api/auth/login} hands out a user's API key,
 * which clients send as {@code X-API-Key}; the key's plan ({@code free} or {@code pro})
 * sets its rate limits, looked up through the {@code api-keys} cache. The same call signs
 * browsers into an HTTP session in Redis (see the {@code session} package), which
 * {@code POST /api/auth/logout} and {@code POST /api/auth/logout-everywhere} end. Also
 * {@code POST /api/auth/password-reset}, limited per email address with
 * {@code @RateLimited}. No Spring Security: passwords are checked by {@code DemoPasswords},
 * a demo stand-in.
 */
@NullMarked
package dev.redisboot.sample.auth;

import org.jspecify.annotations.NullMarked;

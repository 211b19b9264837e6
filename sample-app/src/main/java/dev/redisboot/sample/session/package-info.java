/**
 * Browser sessions in Redis: {@code POST /api/auth/login} also signs the user into an HTTP
 * session (the {@code SESSION} cookie), which holds a small {@code SignedInUser} record, so
 * that {@code GET /api/me} needs no database. The sessions are Spring Session's, stored by
 * the redisboot starter; {@code PrincipalSessions} lists a user's sessions and signs the user
 * out everywhere ({@code POST /api/auth/logout-everywhere}).
 */
@NullMarked
package dev.redisboot.sample.session;

import org.jspecify.annotations.NullMarked;

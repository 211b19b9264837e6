/**
 * HTTP sessions in Redis: a Spring Session repository that stores attributes as JSON, drops
 * unreadable sessions instead of failing requests, and signs a principal out everywhere; on
 * WebFlux, {@link dev.redisboot.session.ReactiveRedisbootSessionRepository}, the same steps
 * on the same storage without blocking, with
 * {@link dev.redisboot.session.NonBlockingSessionIdGenerator} (API) and
 * {@link dev.redisboot.session.ReactiveSessionUnavailableFilter} (public for the
 * auto-configuration; not API).
 * <p>
 * API, for applications to use or replace: {@link dev.redisboot.session.PrincipalSessions}
 * and {@link dev.redisboot.session.SessionSummary} (list and revoke a user's sessions), the
 * repository bean {@link dev.redisboot.session.RedisbootSessionRepository} and its
 * {@link dev.redisboot.session.RedisbootSession}, {@link dev.redisboot.session.SessionMetrics}
 * (a bean to replace) with {@link dev.redisboot.session.UnreadableSessionException}'s causes,
 * {@link dev.redisboot.session.SessionCleanup} (a bean to replace), and the {@code principals}
 * Actuator endpoint ({@link dev.redisboot.session.PrincipalSessionsEndpoint}: a user's
 * sessions by handle, and signing the user out everywhere).
 * {@link dev.redisboot.session.SessionRequestScopeFilter},
 * {@link dev.redisboot.session.SessionJsonRedisSerializer} and
 * {@link dev.redisboot.session.UnreadableAwareSessionMapper} are public for the
 * auto-configuration; not API.
 * <p>
 * Inside, the repository holds the contracts and its settings and hands the work to
 * package-private collaborators that never call back: the session's saver and reader, the
 * principal index, the expiration set, the request scope, and beneath them the Redis layer
 * ({@code SessionCommands}, with the Lua scripts of {@code dev/redisboot/session/*.lua}), the
 * key layout ({@code SessionKeys}) and the reporting of metrics, events and faults. The steps
 * of a request (read, save with the claim of an old id and the index, delete, revoke) return
 * futures of Lettuce's asynchronous API and never wait: the reactive repository hands them to
 * Reactor, the servlet repository waits for them on its request thread.
 */
@NullMarked
package dev.redisboot.session;

import org.jspecify.annotations.NullMarked;

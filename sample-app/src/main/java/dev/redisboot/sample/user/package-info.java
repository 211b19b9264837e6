/**
 * User accounts: the {@code User} entity with its {@code Plan} and API key, its repository,
 * its service with the {@code users} cache, the demo users, and {@code GET /api/users/{id}}.
 */
@NullMarked
package dev.redisboot.sample.user;

import org.jspecify.annotations.NullMarked;

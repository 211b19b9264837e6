/**
 * User accounts: the {@code User} entity, its repository, its service with the
 * {@code users} cache, and {@code GET /api/users/{id}}.
 */
@NullMarked
package dev.redisboot.sample.user;

import org.jspecify.annotations.NullMarked;

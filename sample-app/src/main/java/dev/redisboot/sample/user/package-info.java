/**
 * User accounts: the {@code User} entity, its repository and service, and
 * {@code GET /api/users/{id}}.
 */
@NullMarked
package dev.redisboot.sample.user;

import org.jspecify.annotations.NullMarked;

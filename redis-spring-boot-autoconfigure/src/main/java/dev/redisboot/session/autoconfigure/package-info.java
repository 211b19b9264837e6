/**
 * Auto-configuration of redisboot's HTTP sessions.
 */
@NullMarked
package dev.redisboot.session.autoconfigure;

import org.jspecify.annotations.NullMarked;

/**
 * JSON support shared by features that store application objects in Redis: the allowlist of
 * types that may be read back.
 */
@NullMarked
package dev.redisboot.core.json;

import org.jspecify.annotations.NullMarked;

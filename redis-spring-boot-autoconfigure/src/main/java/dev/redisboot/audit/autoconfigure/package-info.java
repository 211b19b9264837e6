/**
 * Auto-configuration of the audit trail ({@code redisboot.audit.*}).
 * <p>
 * API: the properties. {@code RedisbootAuditAutoConfiguration} checks their values.
 */
@NullMarked
package dev.redisboot.audit.autoconfigure;

import org.jspecify.annotations.NullMarked;

/**
 * The audit trail of write actions: every Actuator write or delete operation (clearing a
 * cache, retrying dead letters, revoking a principal's sessions, the console's buttons) is
 * recorded with who did it, what, on what, when, from which client and with which result, in
 * a bounded Redis stream, in the log and in the meter {@code redisboot.audit.events}. It also
 * implements core's {@link dev.redisboot.core.AccessAuditor}, through which audited caches
 * record who loaded, wrote or evicted which key digest, written off the callers' threads.
 * <p>
 * API, what an application uses or replaces: {@link dev.redisboot.audit.AuditTrail} (to
 * record actions of its own, or read the trail), {@link dev.redisboot.audit.AuditEvent}, the
 * {@link dev.redisboot.audit.AuditMetrics} SPI and the {@code audit} endpoint
 * ({@link dev.redisboot.audit.AuditEndpoint}). {@code AuditingOperationInvokerAdvisor},
 * {@code QueuedAccessAuditor} and {@code MicrometerAuditMetrics} are public for the
 * auto-configuration only.
 */
@NullMarked
package dev.redisboot.audit;

import org.jspecify.annotations.NullMarked;

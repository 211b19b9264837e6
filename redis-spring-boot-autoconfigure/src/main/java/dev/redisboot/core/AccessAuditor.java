package dev.redisboot.core;

/**
 * Where a feature records accesses to sensitive data for the audit trail, such as the
 * loads, writes and evictions of caches marked {@code redisboot.cache.caches.<name>.audit}.
 * Implemented by the audit feature, which writes the records to its stream off the caller's
 * thread; features meet here, in core, and never depend on each other.
 *
 * @author redisboot
 */
@FunctionalInterface
public interface AccessAuditor {

	/**
	 * Offers one record. Called on the thread that made the access, where the request's
	 * client is known; never blocks, never calls Redis and never throws. The record holds no
	 * personal identifier in clear: the caller digests keys and names first.
	 * @param actor who: a principal's name or its digest, or {@code anonymous}
	 * @param action what was done, such as {@code cache:load}
	 * @param target what it was done to, such as {@code cache=users key=#<digest>}
	 * @param result how it ended, such as {@code ok} or {@code hit}
	 * @return whether the record was queued for writing; {@code false} when the queue is
	 * full and the record was dropped (counted by the auditor)
	 */
	boolean offer(String actor, String action, String target, String result);

}

package dev.redisboot.audit;

import java.time.Instant;

/**
 * One recorded write action. No field holds a credential; a personal identifier the action
 * was aimed at (a principal whose sessions were revoked) stands in {@link #target()} as its
 * digest.
 *
 * @param time when the action ran
 * @param actor the authenticated principal's name, or {@code anonymous}
 * @param action what was done, such as {@code redis:delete} (endpoint and operation type)
 * @param target what it was done to, such as {@code section=caches name=products}
 * @param client the client's address, as the servlet container reports it (behind a
 * trusted proxy, the forwarded one when {@code server.forward-headers-strategy} is set), or
 * {@code unknown}
 * @param result {@code ok}, {@code not-found}, {@code failed} (an HTTP error status) or
 * {@code error} (an exception)
 * @author redisboot
 */
public record AuditEvent(Instant time, String actor, String action, String target, String client, String result) {

	/**
	 * The actor of an action without an authenticated principal.
	 */
	public static final String ANONYMOUS = "anonymous";

}

package dev.redisboot.session;

import java.util.List;

/**
 * The sessions of a principal (the user name that Spring Security's authentication or the
 * session attribute {@code FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME}
 * names): list them, and sign the principal out everywhere. Works the same on standalone,
 * Sentinel and Cluster Redis, needs no keyspace notifications and no configured key: sessions
 * are listed by their handle (a keyed digest of the id), never by their id.
 *
 * @author redisboot
 */
public interface PrincipalSessions {

	/**
	 * Lists the principal's live sessions, oldest first.
	 * @param principalName the principal's name
	 * @return the sessions, possibly none
	 */
	List<SessionSummary> findSessions(String principalName);

	/**
	 * Signs the principal out everywhere: deletes all of its sessions.
	 * @param principalName the principal's name
	 * @return how many sessions were revoked
	 */
	int revokeSessions(String principalName);

	/**
	 * Signs the principal out everywhere else: deletes all of its sessions but one.
	 * @param principalName the principal's name
	 * @param keptSessionId the session to keep, typically the current one
	 * @return how many sessions were revoked
	 */
	int revokeOtherSessions(String principalName, String keptSessionId);

	/**
	 * Revokes one session of the principal, for example a lost device's.
	 * @param principalName the principal's name
	 * @param session the session's handle, as {@link SessionSummary#handle()} gives it, or
	 * its id
	 * @return whether the session belonged to the principal and was revoked
	 */
	boolean revokeSession(String principalName, String session);

	/**
	 * Returns the handle of a session, as {@link SessionSummary#handle()} shows it: to tell
	 * the current session apart in a list.
	 * @param sessionId the session id
	 * @return the handle
	 */
	String sessionHandle(String sessionId);

}

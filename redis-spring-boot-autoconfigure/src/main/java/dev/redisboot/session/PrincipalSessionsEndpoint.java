package dev.redisboot.session;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code principals} Actuator endpoint: the sessions of one principal, and signing that
 * principal out everywhere. Sessions are shown by their handle (a keyed digest of the id) with
 * their times, never by their id or attributes.
 * <ul>
 * <li>{@code GET /actuator/principals/{principal}}: how many sessions and their summaries;</li>
 * <li>{@code DELETE /actuator/principals/{principal}}: revokes all of them (a write
 * operation, off unless {@code management.endpoint.principals.access=unrestricted}: read-only
 * by default, as signing users out is not undone; the audit trail records it with the
 * principal as a digest).</li>
 * </ul>
 * Like every endpoint but health, it is not exposed over HTTP unless listed in
 * {@code management.endpoints.web.exposure.include}.
 *
 * @author redisboot
 */
@Endpoint(id = "principals", defaultAccess = Access.READ_ONLY)
public class PrincipalSessionsEndpoint {

	private final PrincipalSessions sessions;

	/**
	 * Creates the endpoint.
	 * @param sessions the sessions by principal
	 */
	public PrincipalSessionsEndpoint(PrincipalSessions sessions) {
		this.sessions = sessions;
	}

	/**
	 * Lists a principal's sessions.
	 * @param principal the principal's name
	 * @return the count and the sessions, oldest first
	 */
	@ReadOperation
	public Map<String, Object> sessions(@Selector String principal) {
		List<SessionSummary> found = this.sessions.findSessions(principal);
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("count", found.size());
		description.put("sessions", found);
		return description;
	}

	/**
	 * Signs a principal out everywhere.
	 * @param principal the principal's name
	 * @return how many sessions were revoked
	 */
	@DeleteOperation
	public Map<String, Object> revoke(@Selector String principal) {
		return Map.of("revoked", this.sessions.revokeSessions(principal));
	}

}

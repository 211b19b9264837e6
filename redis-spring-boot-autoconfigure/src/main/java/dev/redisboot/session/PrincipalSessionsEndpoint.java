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
 * <li>{@code GET /actuator/principals}: the principals with most sessions, as digests,
 * sampled from a bounded number of indexes;</li>
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
	 * Most indexes the sample reads.
	 */
	static final int SAMPLE_MAX_INDEXES = 1000;

	/**
	 * Principals the sample returns.
	 */
	static final int SAMPLE_TOP = 10;

	/**
	 * Samples sessions per principal: the principals with most sessions, as display digests
	 * ({@code KeyDigester.display}, derived from the digests their indexes are named by;
	 * never a name), from at most {@value #SAMPLE_MAX_INDEXES} indexes
	 * found by {@code SCAN} (then one {@code ZCARD} each, in one round trip).
	 * @return {@code top} (each {@code principal} digest and its {@code sessions}),
	 * {@code indexesRead} and {@code complete} (whether every index was read)
	 */
	@ReadOperation
	public Map<String, Object> principals() {
		Map<String, Object> description = new LinkedHashMap<>();
		if (!(this.sessions instanceof RedisbootSessionRepository repository)) {
			description.put("top", List.of());
			description.put("indexesRead", 0);
			description.put("complete", false);
			return description;
		}
		PrincipalIndex.PrincipalSample sample = repository.samplePrincipals(SAMPLE_MAX_INDEXES, SAMPLE_TOP);
		description.put("top", sample.top()
			.stream()
			.map((count) -> Map.<String, Object>of("principal", count.principal(), "sessions", count.sessions()))
			.toList());
		description.put("indexesRead", sample.indexesRead());
		description.put("complete", sample.complete());
		return description;
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

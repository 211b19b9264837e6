package dev.redisboot.audit;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code audit} Actuator endpoint: {@code GET /actuator/audit?limit=50} lists the latest
 * write actions of the {@link AuditTrail}, newest first. Read-only; like every endpoint but
 * health, not exposed over HTTP unless listed in
 * {@code management.endpoints.web.exposure.include}.
 *
 * @author redisboot
 */
@Endpoint(id = "audit")
public class AuditEndpoint {

	private final AuditTrail trail;

	/**
	 * Creates the endpoint.
	 * @param trail the trail
	 */
	public AuditEndpoint(AuditTrail trail) {
		this.trail = trail;
	}

	/**
	 * The latest entries.
	 * @param limit how many, 50 if {@code null}, at most 1000
	 * @return the entries, or why they could not be read
	 */
	@ReadOperation
	public AuditTrail.Recent entries(@Nullable Integer limit) {
		return this.trail.recent((limit != null && limit > 0) ? Math.min(limit, 1000) : 50);
	}

}

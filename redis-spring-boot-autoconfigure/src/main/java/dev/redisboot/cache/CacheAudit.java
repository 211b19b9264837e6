package dev.redisboot.cache;

import java.util.Set;

import dev.redisboot.core.AccessAuditor;
import org.springframework.util.Assert;

/**
 * Which caches record their accesses in the audit trail, and how: who (the authenticated
 * principal, as a digest or by name, or {@code anonymous}) loaded, wrote, evicted or cleared
 * (and, with {@code reads}, read) which key digest; never a key in clear, never a value.
 * Records are sampled and bounded per cache, then handed to the {@link AccessAuditor}, which
 * writes them off the caller's thread; whatever is not recorded is counted in
 * {@link CacheMetrics#audit(String)}.
 *
 * @param cacheNames the audited caches
 * @param auditor where records go
 * @param sampleRate share of accesses recorded, above 0 and at most 1
 * @param maxPerSecond most records per second per cache (per instance), at least 1
 * @param reads whether hits and misses are recorded too
 * @param digestActors whether the principal is recorded as a keyed digest rather than by
 * name
 * @author redisboot
 */
public record CacheAudit(Set<String> cacheNames, AccessAuditor auditor, double sampleRate, int maxPerSecond,
		boolean reads, boolean digestActors) {

	/**
	 * Most records per second per cache that may be configured.
	 */
	public static final int MAX_PER_SECOND_LIMIT = 100_000;

	public CacheAudit {
		Assert.isTrue(sampleRate > 0 && sampleRate <= 1, "sampleRate must be above 0 and at most 1");
		Assert.isTrue(maxPerSecond > 0 && maxPerSecond <= MAX_PER_SECOND_LIMIT,
				"maxPerSecond must be from 1 to " + MAX_PER_SECOND_LIMIT);
		cacheNames = Set.copyOf(cacheNames);
	}

}

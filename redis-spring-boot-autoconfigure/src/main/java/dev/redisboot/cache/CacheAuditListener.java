package dev.redisboot.cache;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.redisboot.core.KeyDigester;
import org.jspecify.annotations.Nullable;

/**
 * Records the accesses of one audited cache ({@link CacheAudit}): sampled, then at most
 * {@code maxPerSecond} a second, with the key as its keyed digest (the same digest under
 * which a {@code digest-keys} cache stores the entry) and the actor resolved on the caller's
 * thread. Costs a digest and a queue offer per record, no Redis call.
 */
final class CacheAuditListener implements CacheAccessListener {

	private static final int COUNT_BITS = 20;

	private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

	private final String cacheName;

	private final String targetStart;

	private final CacheAudit audit;

	private final KeyDigester digester;

	private final CacheMetrics metrics;

	private final LongSupplier clockMillis;

	/** The current second and how many records it holds: {@code second << 20 | count}. */
	private final AtomicLong window = new AtomicLong();

	CacheAuditListener(String cacheName, CacheAudit audit, KeyDigester digester, CacheMetrics metrics,
			LongSupplier clockMillis) {
		this.cacheName = cacheName;
		this.targetStart = "cache=" + printable(cacheName);
		this.audit = audit;
		this.digester = digester;
		this.metrics = metrics;
		this.clockMillis = clockMillis;
	}

	@Override
	public void onAccess(CacheAccess access) {
		String action = action(access.outcome());
		if (action == null) {
			return;
		}
		if (this.audit.sampleRate() < 1 && ThreadLocalRandom.current().nextDouble() >= this.audit.sampleRate()) {
			this.metrics.audit("sampled-out");
			return;
		}
		if (!tryAcquire()) {
			this.metrics.audit("over-limit");
			return;
		}
		Object key = access.key();
		String target = (key != null) ? this.targetStart + " key=#"
				+ this.digester.digest(RedisbootCache.FEATURE, CacheKeyConverter.toKeyPart(key))
				: this.targetStart + " key=*";
		boolean queued = this.audit.auditor().offer(actor(), action, target, result(access.outcome()));
		this.metrics.audit(queued ? "queued" : "dropped");
	}

	@Override
	public boolean supports(String cacheName) {
		return this.cacheName.equals(cacheName);
	}

	private @Nullable String action(CacheAccess.Outcome outcome) {
		return switch (outcome) {
			case HIT_NEAR, HIT_REDIS, MISS -> this.audit.reads() ? "cache:read" : null;
			case LOAD -> "cache:load";
			case PUT -> "cache:put";
			case EVICT -> "cache:evict";
			case CLEAR -> "cache:clear";
		};
	}

	private static String result(CacheAccess.Outcome outcome) {
		return switch (outcome) {
			case HIT_NEAR, HIT_REDIS -> "hit";
			case MISS -> "miss";
			default -> "ok";
		};
	}

	/**
	 * Takes one of this second's records, exactly: the second and its count change together.
	 */
	private boolean tryAcquire() {
		long second = this.clockMillis.getAsLong() / 1000;
		while (true) {
			long current = this.window.get();
			long currentSecond = current >>> COUNT_BITS;
			long count = (currentSecond == second) ? (current & COUNT_MASK) : 0;
			if (currentSecond > second) {
				return false; // another thread already counts a later second: this access is late, as if over
			}
			if (count >= this.audit.maxPerSecond()) {
				return false;
			}
			if (this.window.compareAndSet(current, (second << COUNT_BITS) | (count + 1))) {
				return true;
			}
		}
	}

	private String actor() {
		String name = AuditActor.currentName();
		if (name == null) {
			return "anonymous";
		}
		// the display digest every console tab shows a person by: one digest per person across the console
		return this.audit.digestActors() ? this.digester.display(name) : printable(name);
	}

	/**
	 * A name as it may stand in a record: control characters replaced, at most 200
	 * characters.
	 */
	private static String printable(String name) {
		String cut = (name.length() > 200) ? name.substring(0, 200) : name;
		return cut.replaceAll("\\p{Cntrl}", "?");
	}

}

package dev.redisboot.cache;

import dev.redisboot.core.CacheStatistics;
import org.jspecify.annotations.Nullable;

/**
 * Counts what one cache does. Implementations must be cheap and thread-safe: every method
 * is on a cache hot path.
 *
 * @see CacheMetricsFactory
 */
public interface CacheMetrics {

	/**
	 * Metrics that record nothing, for applications without Micrometer.
	 */
	CacheMetrics NONE = new CacheMetrics() {
	};

	/**
	 * A read found a value.
	 */
	default void hit() {
	}

	/**
	 * A read found no readable value.
	 */
	default void miss() {
	}

	/**
	 * A value was written.
	 */
	default void put() {
	}

	/**
	 * Entries were removed by an eviction or a clear.
	 * @param count how many entries were removed
	 */
	default void evictions(long count) {
	}

	/**
	 * A stored value could not be read back and was deleted.
	 * @deprecated in favour of {@link #decodeError(String)}, which says why
	 */
	@Deprecated
	default void decodeError() {
	}

	/**
	 * A stored value could not be read back and was deleted.
	 * @param cause why, one of a fixed set: {@code refused-type} (the JSON names a type
	 * outside the allowlist, or an unknown one: an attack or a removed class),
	 * {@code shape} (valid JSON that does not fit the class any more), {@code json} (not
	 * JSON), {@code wrong-type} (the key holds another Redis type), or the lower-case
	 * {@link dev.redisboot.core.codec.ValueDecodingException.Reason} of an envelope
	 * problem ({@code truncated}, {@code corrupt-header}, ...)
	 */
	@SuppressWarnings("deprecation")
	default void decodeError(String cause) {
		decodeError();
	}

	/**
	 * A {@code put} was refused (a {@code null} where nulls are not cached, a type outside
	 * the allowlist, a value that could not be serialized); the entry was removed instead.
	 * @param reason {@code null}, {@code type} or {@code encode}
	 */
	default void refusedPut(String reason) {
	}

	/**
	 * A message on the near-cache invalidation channel could not be read; every near cache
	 * was cleared.
	 */
	default void unreadableInvalidation() {
	}

	/**
	 * Redis failed or timed out.
	 */
	default void redisError() {
	}

	/**
	 * A write or eviction was dropped because Redis was unavailable.
	 */
	default void dropped() {
	}

	/**
	 * A value was computed after a miss.
	 * @param nanos how long the computation took
	 */
	default void load(long nanos) {
	}

	/**
	 * A read looked in the near cache.
	 * @param hit whether the near cache had the value (a near-cache hit also counts as a
	 * {@link #hit()})
	 */
	default void nearCache(boolean hit) {
	}

	/**
	 * Another instance's change removed entries from the near cache, or the near cache was
	 * cleared because its invalidation channel disconnected or resubscribed.
	 */
	default void nearCacheInvalidation() {
	}

	/**
	 * A caller waited for another caller's load (in any instance) after a miss.
	 * @param nanos how long it waited
	 * @param outcome {@code value} (the other load's value arrived), {@code took-over} (the
	 * other load ended without a value, so this caller loaded) or {@code timeout} (this
	 * caller stopped waiting and loaded without the lock)
	 */
	default void lockWait(long nanos, String outcome) {
	}

	/**
	 * A background refresh of an entry past its soft age ended.
	 * @param outcome {@code success}, {@code failure} (the loader or Redis failed) or
	 * {@code rejected} (too many refreshes queued)
	 */
	default void refresh(String outcome) {
	}

	/**
	 * An access of an audited cache ({@link CacheAudit}) was recorded or not.
	 * @param outcome {@code queued} (handed to the audit trail's writer),
	 * {@code sampled-out} (skipped by the sample rate), {@code over-limit} (beyond the
	 * records allowed per second) or {@code dropped} (the writer's queue was full)
	 */
	default void audit(String outcome) {
	}

	/**
	 * What these metrics have counted, for the cache manager's
	 * {@link dev.redisboot.core.CacheStatisticsProvider statistics}.
	 * @return the counts, or {@code null} when these metrics keep none (the default)
	 */
	default @Nullable CacheStatistics statistics() {
		return null;
	}

}

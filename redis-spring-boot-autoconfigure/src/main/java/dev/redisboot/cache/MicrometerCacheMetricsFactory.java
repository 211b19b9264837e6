package dev.redisboot.cache;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.CacheStatistics;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Registers each cache's meters with Micrometer, following its {@code cache.*} conventions:
 * {@code cache.gets} (tag {@code result}: {@code hit} or {@code miss}), {@code cache.puts},
 * {@code cache.evictions}, plus {@code cache.redis.errors},
 * {@code cache.dropped} and the {@code cache.load} timer, all tagged {@code cache} and
 * {@code cache.manager}; and the gauge {@code cache.circuit.open} of the shared circuit
 * breaker. Meters of optional features are registered when first used:
 * {@code cache.near.gets} (tag {@code result}), {@code cache.near.invalidations}, the
 * {@code cache.lock.waits} timer (tag {@code outcome}) and {@code cache.refreshes} (tag
 * {@code outcome}); and those of faults: {@code cache.decode.errors} (the common causes from the start, the others when first met)
 * (tag {@code cause}, see {@link CacheMetrics#decodeError(String)}),
 * {@code cache.refused.puts} (tag {@code reason}) and
 * {@code cache.near.invalidation.errors}; and {@code cache.audit.records} (tag {@code outcome}) of
 * audited caches. The counts of hits, misses, puts, evictions, near
 * hits and misses and loads are read back as each cache's {@link CacheMetrics#statistics()}.
 * <p>
 * Public for the auto-configuration, and for applications that wrap it in a
 * {@link CacheMetricsFactory} of their own.
 */
public final class MicrometerCacheMetricsFactory implements CacheMetricsFactory {

	private final MeterRegistry registry;

	private final String cacheManagerName;

	/**
	 * Creates a factory.
	 * @param registry the registry
	 * @param cacheManagerName the cache manager's bean name, for the {@code cache.manager}
	 * tag
	 * @param circuitBreaker the breaker whose state is published, or {@code null}
	 */
	public MicrometerCacheMetricsFactory(MeterRegistry registry, String cacheManagerName,
			@Nullable RedisCircuitBreaker circuitBreaker) {
		this.registry = registry;
		this.cacheManagerName = cacheManagerName;
		if (circuitBreaker != null) {
			Gauge.builder("cache.circuit.open", circuitBreaker, (breaker) -> breaker.isOpen() ? 1 : 0)
				.tag("cache.manager", cacheManagerName)
				.description("Whether the cache circuit breaker is open (Redis is not being called)")
				.register(registry);
		}
	}

	@Override
	public CacheMetrics create(String cacheName) {
		return new MicrometerCacheMetrics(this.registry, Tags.of("cache", cacheName, "cache.manager", this.cacheManagerName));
	}

	private static final class MicrometerCacheMetrics implements CacheMetrics {

		private static final List<String> COMMON_DECODE_CAUSES = List.of("json", "shape", "refused-type", "wrong-type");

		private final Counter hits;

		private final Counter misses;

		private final Counter puts;

		private final Counter evictions;

		private final Counter redisErrors;

		private final Counter dropped;

		private final Timer loads;

		private final MeterRegistry registry;

		private final Tags tags;

		private volatile @Nullable Counter nearHits;

		private volatile @Nullable Counter nearMisses;

		MicrometerCacheMetrics(MeterRegistry registry, Tags tags) {
			this.registry = registry;
			this.tags = tags;
			this.hits = Counter.builder("cache.gets")
				.tags(tags)
				.tag("result", "hit")
				.description("Cache reads that found a value")
				.register(registry);
			this.misses = Counter.builder("cache.gets")
				.tags(tags)
				.tag("result", "miss")
				.description("Cache reads that found no readable value")
				.register(registry);
			this.puts = Counter.builder("cache.puts").tags(tags).description("Values written").register(registry);
			this.evictions = Counter.builder("cache.evictions")
				.tags(tags)
				.description("Entries removed by evictions and clears")
				.register(registry);
			this.redisErrors = Counter.builder("cache.redis.errors")
				.tags(tags)
				.description("Operations that failed because Redis failed or timed out")
				.register(registry);
			this.dropped = Counter.builder("cache.dropped")
				.tags(tags)
				.description("Writes and evictions dropped because Redis was unavailable")
				.register(registry);
			this.loads = Timer.builder("cache.load")
				.tags(tags)
				.description("Time spent computing values after a miss")
				.register(registry);
			// the causes every cache can meet exist from the start at 0, so that dashboards and
			// alerts see a rate of 0 rather than no series; rarer causes appear when first met
			for (String cause : COMMON_DECODE_CAUSES) {
				decodeErrors(cause);
			}
		}

		private Counter decodeErrors(String cause) {
			return Counter.builder("cache.decode.errors")
				.tags(this.tags)
				.tag("cause", cause)
				.description("Stored values that could not be read back and were deleted, by cause")
				.register(this.registry);
		}

		@Override
		public void hit() {
			this.hits.increment();
		}

		@Override
		public void miss() {
			this.misses.increment();
		}

		@Override
		public void put() {
			this.puts.increment();
		}

		@Override
		public void evictions(long count) {
			this.evictions.increment(count);
		}

		@Override
		public void decodeError(String cause) {
			decodeErrors(cause).increment();
		}

		@Override
		public void refusedPut(String reason) {
			Counter.builder("cache.refused.puts")
				.tags(this.tags)
				.tag("reason", reason)
				.description("Puts that were not stored (null without cache-nulls, a type outside the allowlist, "
						+ "a value that could not be serialized); the old entry was removed")
				.register(this.registry)
				.increment();
		}

		@Override
		public void unreadableInvalidation() {
			Counter.builder("cache.near.invalidation.errors")
				.tags(this.tags)
				.description("Unreadable messages on the near-cache invalidation channel (each clears the near cache)")
				.register(this.registry)
				.increment();
		}

		@Override
		public void redisError() {
			this.redisErrors.increment();
		}

		@Override
		public void dropped() {
			this.dropped.increment();
		}

		@Override
		public void load(long nanos) {
			this.loads.record(nanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public void nearCache(boolean hit) {
			Counter counter = hit ? this.nearHits : this.nearMisses;
			if (counter == null) {
				counter = Counter.builder("cache.near.gets")
					.tags(this.tags)
					.tag("result", hit ? "hit" : "miss")
					.description("Reads that looked in the near cache, by whether it had the value")
					.register(this.registry);
				if (hit) {
					this.nearHits = counter;
				}
				else {
					this.nearMisses = counter;
				}
			}
			counter.increment();
		}

		@Override
		public void nearCacheInvalidation() {
			Counter.builder("cache.near.invalidations")
				.tags(this.tags)
				.description("Near-cache entries dropped for changes made elsewhere, and near-cache clears")
				.register(this.registry)
				.increment();
		}

		@Override
		public void lockWait(long nanos, String outcome) {
			Timer.builder("cache.lock.waits")
				.tags(this.tags)
				.tag("outcome", outcome)
				.description("Time callers waited for another caller's load after a miss")
				.register(this.registry)
				.record(nanos, TimeUnit.NANOSECONDS);
		}

		@Override
		public CacheStatistics statistics() {
			Counter nearHits = this.nearHits;
			Counter nearMisses = this.nearMisses;
			return new CacheStatistics(count(this.hits), count(this.misses), count(this.puts), count(this.evictions),
					count(nearHits), count(nearMisses), this.loads.count(),
					Duration.ofNanos((long) this.loads.totalTime(TimeUnit.NANOSECONDS)));
		}

		private static long count(@Nullable Counter counter) {
			return (counter != null) ? (long) counter.count() : 0;
		}

		@Override
		public void audit(String outcome) {
			Counter.builder("cache.audit.records")
				.tags(this.tags)
				.tag("outcome", outcome)
				.description("Accesses of an audited cache: queued for the audit trail, or not recorded "
						+ "(sampled-out, over-limit, dropped)")
				.register(this.registry)
				.increment();
		}

		@Override
		public void refresh(String outcome) {
			Counter.builder("cache.refreshes")
				.tags(this.tags)
				.tag("outcome", outcome)
				.description("Background refreshes of entries past their soft age")
				.register(this.registry)
				.increment();
		}

	}

}

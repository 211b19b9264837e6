package dev.redisboot.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.redisboot.core.CacheStatistics;
import org.jspecify.annotations.Nullable;

/**
 * Advice on one cache, written as a mentor would say it, from its statistics, its settings
 * and its sampled entries: a low hit ratio, values worth compressing, a TTL shorter than the
 * mean load time, many evictions soon after writes.
 *
 * @author redisboot
 */
final class CacheAdvice {

	/** Reads below which a hit ratio says little. */
	static final long MIN_READS = 100;

	/** Hit ratio below which the cache is advised on. */
	static final double LOW_HIT_RATIO = 0.5;

	/** Mean stored value size from which compression is worth it. */
	static final long COMPRESSIBLE_BYTES = 1024;

	private CacheAdvice() {
	}

	/**
	 * Advises on one cache.
	 * @param name the cache's name
	 * @param statistics its statistics, or {@code null}
	 * @param timeToLive its configured time to live, or {@code null}
	 * @param compressed whether it compresses values, or {@code null} when unknown
	 * @param sample its sampled entries, or {@code null}
	 * @return each piece of advice, with its {@code rule} and {@code message}
	 */
	static List<Map<String, String>> advise(String name, @Nullable CacheStatistics statistics,
			@Nullable Duration timeToLive, @Nullable Boolean compressed, CacheEntrySampler.@Nullable CacheSample sample) {
		List<Map<String, String>> advice = new ArrayList<>();
		if (statistics != null) {
			long reads = statistics.hits() + statistics.misses();
			if (reads >= MIN_READS && statistics.hitRatio() < LOW_HIT_RATIO) {
				advice.add(Map.of("rule", "low-hit-ratio", "message", name + ": only "
						+ Math.round(statistics.hitRatio() * 100) + "% of " + reads + " reads are hits. Consider a longer"
						+ " TTL, warming the cache, or whether this data is read again at all before it expires."));
			}
			if (statistics.puts() >= MIN_READS && statistics.evictions() > statistics.puts() / 2) {
				advice.add(Map.of("rule", "evicted-soon", "message", name + ": many entries are evicted soon after"
						+ " they are written; check maxmemory and the eviction policy of the server that holds the"
						+ " caches."));
			}
			Duration load = statistics.meanLoadTime();
			if (timeToLive != null && statistics.loads() > 0 && !load.isZero() && timeToLive.compareTo(load) < 0) {
				advice.add(Map.of("rule", "ttl-shorter-than-load", "message", name + ": entries live " + timeToLive
						+ " but take " + load.toMillis() + " ms to load on average, so most reads wait for a load."
						+ " Consider a TTL well above the load time (redisboot.cache.caches." + name + ".ttl), or"
						+ " refresh-ahead."));
			}
		}
		if (sample != null && Boolean.FALSE.equals(compressed) && sample.meanValueBytes() >= COMPRESSIBLE_BYTES) {
			advice.add(Map.of("rule", "compress-values", "message", name + ": values are " + sample.meanValueBytes()
					+ " bytes on average (sampled) and stored uncompressed. Consider"
					+ " redisboot.cache.caches." + name + ".compression.enabled=true (values above"
					+ " compress-above, 1KB, are then compressed): JSON usually shrinks to a third, which saves memory"
					+ " and network at some CPU."));
		}
		return advice;
	}

}

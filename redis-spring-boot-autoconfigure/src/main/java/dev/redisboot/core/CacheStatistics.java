package dev.redisboot.core;

import java.time.Duration;

/**
 * What one cache has counted since it was created, as a {@link CacheStatisticsProvider}
 * reports it.
 *
 * @param hits reads that found a value
 * @param misses reads that found no readable value
 * @param puts values written
 * @param evictions entries removed by evictions and clears
 * @param nearHits reads served from the in-memory near cache
 * @param nearMisses reads that looked in the near cache and went on to Redis
 * @param loads values computed after a miss
 * @param loadTime time spent computing them, in total
 * @author redisboot
 */
public record CacheStatistics(long hits, long misses, long puts, long evictions, long nearHits, long nearMisses,
		long loads, Duration loadTime) {

	/**
	 * The share of reads that found a value.
	 * @return hits divided by reads, or {@code 0} before the first read
	 */
	public double hitRatio() {
		long reads = this.hits + this.misses;
		return (reads > 0) ? (double) this.hits / reads : 0;
	}

	/**
	 * The mean time of a load.
	 * @return the total load time divided by the loads, or {@link Duration#ZERO} before the
	 * first load
	 */
	public Duration meanLoadTime() {
		return (this.loads > 0) ? this.loadTime.dividedBy(this.loads) : Duration.ZERO;
	}

}

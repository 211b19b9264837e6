package dev.redisboot.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.redisboot.core.CacheStatistics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-cache advice rules, from statistics, settings and a sample.
 */
class CacheAdviceTests {

	@Test
	void aLowHitRatioIsAdvisedOnOnlyAfterEnoughReads() {
		assertThat(rules(CacheAdvice.advise("users", stats(30, 70, 0, 0), Duration.ofMinutes(10), true, null)))
			.containsExactly("low-hit-ratio");
		assertThat(rules(CacheAdvice.advise("users", stats(3, 7, 0, 0), Duration.ofMinutes(10), true, null)))
			.as("10 reads say little").isEmpty();
		assertThat(rules(CacheAdvice.advise("users", stats(80, 20, 0, 0), Duration.ofMinutes(10), true, null)))
			.isEmpty();
	}

	@Test
	void aTtlShorterThanTheMeanLoadTimeIsAdvisedOn() {
		// 10 loads of 2 s each, entries living 1 s
		List<Map<String, String>> advice = CacheAdvice.advise("reports", stats(100, 10, 10, 20_000),
				Duration.ofSeconds(1), true, null);
		assertThat(rules(advice)).containsExactly("ttl-shorter-than-load");
		assertThat(advice.get(0).get("message")).contains("PT1S", "2000 ms", "redisboot.cache.caches.reports.ttl");
		assertThat(rules(CacheAdvice.advise("reports", stats(100, 10, 10, 20_000), Duration.ofMinutes(1), true, null)))
			.isEmpty();
	}

	@Test
	void largeUncompressedValuesAreWorthCompressing() {
		CacheEntrySampler.CacheSample large = new CacheEntrySampler.CacheSample(100, true, 10, 30_000, 25_000,
				Duration.ofMillis(3));
		assertThat(rules(CacheAdvice.advise("products", null, null, false, large))).containsExactly("compress-values");
		assertThat(rules(CacheAdvice.advise("products", null, null, true, large))).as("already compressed").isEmpty();
		CacheEntrySampler.CacheSample small = new CacheEntrySampler.CacheSample(100, true, 10, 3_000, 500,
				Duration.ofMillis(3));
		assertThat(rules(CacheAdvice.advise("products", null, null, false, small))).isEmpty();
		assertThat(large.meanValueBytes()).isEqualTo(2500);
		assertThat(large.estimatedBytes()).isEqualTo(300_000);
	}

	private static CacheStatistics stats(long hits, long misses, long loads, long loadMillis) {
		return new CacheStatistics(hits, misses, 0, 0, 0, 0, loads, Duration.ofMillis(loadMillis));
	}

	private static List<String> rules(List<Map<String, String>> advice) {
		return advice.stream().map((item) -> item.get("rule")).toList();
	}

}

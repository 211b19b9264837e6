package dev.redisboot.cache;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Server-Timing} value of {@link CacheServerTiming} on its own: durations in
 * milliseconds, cache names quoted safely, the bound, and nothing recorded outside a request
 * or on another thread.
 */
class CacheServerTimingTests {

	private final CacheServerTiming timing = new CacheServerTiming(2);

	@Test
	void entriesHaveTheCacheOutcomeAndMillisecondsAndTheBoundSumsTheRest() {
		CacheServerTiming.Request request = this.timing.begin();
		try {
			this.timing.onAccess(new CacheAccess("products", "secret-key", CacheAccess.Outcome.HIT_NEAR, 21_000));
			this.timing.onAccess(new CacheAccess("users", 7L, CacheAccess.Outcome.LOAD, 12_345_678));
			this.timing.onAccess(new CacheAccess("users", 8L, CacheAccess.Outcome.MISS, 400_000));
			this.timing.onAccess(new CacheAccess("users", 9L, CacheAccess.Outcome.MISS, 600_000));
			assertThat(request.headerValue()).isEqualTo("cache;desc=\"products hit-near\";dur=0.02, "
					+ "cache;desc=\"users load\";dur=12.35, cache;desc=\"2 more\";dur=1");
		}
		finally {
			request.end();
		}
	}

	@Test
	void cacheNamesAreQuotedSafely() {
		CacheServerTiming.Request request = this.timing.begin();
		try {
			this.timing.onAccess(new CacheAccess("we\"ird\\\r\nname", null, CacheAccess.Outcome.CLEAR, 0));
			assertThat(request.headerValue()).isEqualTo("cache;desc=\"we\\\"ird\\\\??name clear\";dur=0");
		}
		finally {
			request.end();
		}
	}

	@Test
	void nothingIsCollectedOutsideARequest() throws Exception {
		CacheServerTiming.Request request = this.timing.begin();
		Thread other = new Thread(
				() -> this.timing.onAccess(new CacheAccess("products", 1L, CacheAccess.Outcome.MISS, 1)));
		other.start();
		other.join();
		request.end();
		this.timing.onAccess(new CacheAccess("products", 1L, CacheAccess.Outcome.MISS, 1));
		assertThat(request.headerValue()).isNull();
	}

}

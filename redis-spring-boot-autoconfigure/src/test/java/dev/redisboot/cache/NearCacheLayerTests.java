package dev.redisboot.cache;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The near-cache layer on its own: it serves only while live, and a read that raced with an
 * invalidation never leaves its (possibly old) value behind.
 */
class NearCacheLayerTests {

	private final NearCacheLayer layer = new NearCacheLayer(new CacheSettings.NearCache(100, Duration.ofMinutes(1)));

	@Test
	void servesNothingUntilLive() {
		this.layer.fill("k", "v", this.layer.epoch());
		assertThat(this.layer.get("k")).isNull();
		this.layer.setLive(true);
		this.layer.fill("k", "v", this.layer.epoch());
		assertThat(this.layer.get("k").get()).isEqualTo("v");
	}

	@Test
	void aReadThatStartedBeforeAnInvalidationIsNotAdded() {
		this.layer.setLive(true);
		long epoch = this.layer.epoch(); // the read goes to Redis
		this.layer.invalidate("k"); // meanwhile another instance changes the entry
		this.layer.fill("k", "old", epoch);
		assertThat(this.layer.get("k")).isNull();
	}

	@Test
	void aReadThatStartedBeforeALocalChangeDoesNotOverwriteIt() {
		this.layer.setLive(true);
		long epoch = this.layer.epoch();
		this.layer.changed("k", "new");
		this.layer.fill("k", "old", epoch);
		assertThat(this.layer.get("k").get()).isEqualTo("new");
	}

	@Test
	void goingDownClearsAndStopsServing() {
		this.layer.setLive(true);
		this.layer.fill("k", null, this.layer.epoch());
		assertThat(this.layer.get("k")).isNotNull().extracting((wrapper) -> wrapper.get()).isNull();
		this.layer.setLive(false);
		assertThat(this.layer.get("k")).isNull();
		this.layer.setLive(true);
		assertThat(this.layer.get("k")).as("cleared, not just hidden").isNull();
		assertThat(this.layer.size()).isZero();
	}

}

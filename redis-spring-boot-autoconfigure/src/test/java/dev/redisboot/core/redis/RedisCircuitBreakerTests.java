package dev.redisboot.core.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedisCircuitBreakerTests {

	private final MutableClock clock = new MutableClock();

	private final RedisCircuitBreaker breaker = new RedisCircuitBreaker(3, Duration.ofSeconds(5), this.clock);

	@Test
	void staysClosedBelowTheThreshold() {
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onFailure(new IllegalStateException("down"));
		assertThat(this.breaker.isOpen()).isFalse();
		assertThat(this.breaker.allowRequest()).isTrue();
	}

	@Test
	void successResetsTheCount() {
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onSuccess();
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onFailure(new IllegalStateException("down"));
		assertThat(this.breaker.isOpen()).isFalse();
	}

	@Test
	void opensAtTheThresholdAndSkipsCalls() {
		open();
		assertThat(this.breaker.isOpen()).isTrue();
		assertThat(this.breaker.allowRequest()).isFalse();
		assertThat(this.breaker.allowRequest()).isFalse();
		assertThat(this.breaker.skippedCalls()).isEqualTo(2);
	}

	@Test
	void letsExactlyOneProbeThroughAfterTheBackOff() {
		open();
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(this.breaker.allowRequest()).isTrue();
		assertThat(this.breaker.allowRequest()).as("a second caller waits for the probe").isFalse();
	}

	@Test
	void successfulProbeCloses() {
		open();
		this.clock.advance(Duration.ofSeconds(6));
		assertThat(this.breaker.allowRequest()).isTrue();
		this.breaker.onSuccess();
		assertThat(this.breaker.isOpen()).isFalse();
		assertThat(this.breaker.allowRequest()).isTrue();
	}

	@Test
	void failedProbeOpensForAnotherBackOff() {
		open();
		this.clock.advance(Duration.ofSeconds(6));
		assertThat(this.breaker.allowRequest()).isTrue();
		this.breaker.onFailure(new IllegalStateException("down"));
		assertThat(this.breaker.allowRequest()).isFalse();
		this.clock.advance(Duration.ofSeconds(4));
		assertThat(this.breaker.allowRequest()).isFalse();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.breaker.allowRequest()).isTrue();
	}

	private void open() {
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onFailure(new IllegalStateException("down"));
		this.breaker.onFailure(new IllegalStateException("down"));
	}

	static final class MutableClock extends Clock {

		private Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}

package dev.redisboot.ratelimit;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BandwidthBuilder;

import org.springframework.util.Assert;

/**
 * One limit of a rule: at most {@code capacity} requests per {@code period}.
 *
 * @param capacity requests allowed per period, also the largest burst
 * @param period the period
 * @param refill how used requests come back
 */
public record Limit(long capacity, Duration period, Refill refill) {

	public Limit {
		Assert.isTrue(capacity > 0, "capacity must be positive");
		Assert.isTrue(period.toMillis() > 0, "period must be at least 1 ms");
	}

	/**
	 * A limit whose requests come back gradually.
	 * @param capacity requests per period
	 * @param period the period
	 * @return the limit
	 */
	public static Limit of(long capacity, Duration period) {
		return new Limit(capacity, period, Refill.GREEDY);
	}

	Bandwidth toBandwidth() {
		var refillStage = BandwidthBuilder.builder().capacity(this.capacity);
		return ((this.refill == Refill.INTERVALLY) ? refillStage.refillIntervally(this.capacity, this.period)
				: refillStage.refillGreedy(this.capacity, this.period))
			.build();
	}

	/**
	 * How used requests come back.
	 */
	public enum Refill {

		/**
		 * Gradually, one every {@code period / capacity} (a token bucket): no burst at a
		 * window boundary.
		 */
		GREEDY,

		/**
		 * All at once at the end of each period (a fixed window).
		 */
		INTERVALLY

	}

}

package dev.redisboot.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.support.CronExpression;
import org.springframework.util.Assert;

/**
 * When a recurring job fires: the same instants on every instance, computed from the
 * schedule alone (never from an instance's start time), so that instances agree on which
 * fire time they race for.
 *
 * @author redisboot
 */
public interface FireTimes {

	/**
	 * Returns the first fire time strictly after an instant.
	 * @param after the instant
	 * @return the fire time, or {@code null} if there is none (a cron expression that never
	 * fires again)
	 */
	@Nullable Instant next(Instant after);

	/**
	 * Describes the schedule, such as {@code 0 0 3 * * *} or {@code PT10M}.
	 * @return the description
	 */
	String expression();

	/**
	 * Returns the time zone of a cron schedule.
	 * @return the zone, or {@code null} for a fixed rate
	 */
	@Nullable ZoneId zone();

	/**
	 * Fire times of a cron expression in a time zone (daylight saving time included).
	 * @param expression Spring's cron expression (six fields, seconds first) or a macro
	 * @param zone the time zone
	 * @return the fire times
	 * @throws IllegalArgumentException if the expression does not parse
	 */
	static FireTimes cron(String expression, ZoneId zone) {
		return new Cron(CronExpression.parse(expression), expression, zone);
	}

	/**
	 * Fire times at a fixed rate: {@code anchor + k * rate} for every whole {@code k}.
	 * @param rate the rate, at least 1 ms
	 * @param anchor any fire time, the epoch for whole multiples of the rate in UTC
	 * @return the fire times
	 */
	static FireTimes fixedRate(Duration rate, Instant anchor) {
		Assert.isTrue(rate.toMillis() > 0, "'rate' must be at least 1 ms");
		return new FixedRate(rate.toMillis(), anchor.toEpochMilli(), rate);
	}

	/**
	 * Fire times of a cron expression.
	 */
	record Cron(CronExpression cron, String expression, ZoneId zone) implements FireTimes {

		@Override
		public @Nullable Instant next(Instant after) {
			ZonedDateTime next = this.cron.next(ZonedDateTime.ofInstant(after, this.zone));
			return (next != null) ? next.toInstant() : null;
		}

	}

	/**
	 * Fire times at a fixed rate from an anchor.
	 */
	record FixedRate(long rateMillis, long anchorMillis, Duration rate) implements FireTimes {

		@Override
		public Instant next(Instant after) {
			long since = after.toEpochMilli() - this.anchorMillis;
			long periods = Math.floorDiv(since, this.rateMillis) + 1;
			return Instant.ofEpochMilli(this.anchorMillis + periods * this.rateMillis);
		}

		@Override
		public String expression() {
			return this.rate.toString();
		}

		@Override
		public @Nullable ZoneId zone() {
			return null;
		}

	}

}

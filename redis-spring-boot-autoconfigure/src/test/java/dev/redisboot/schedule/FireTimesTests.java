package dev.redisboot.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Fire times, the same on every instance: cron in a zone across daylight saving time, fixed
 * rates anchored at the epoch, and which fire times after a cursor are on time or missed.
 */
class FireTimesTests {

	@Test
	void cronFollowsItsZoneAcrossDaylightSavingTime() {
		FireTimes paris = FireTimes.cron("0 30 2 * * *", ZoneId.of("Europe/Paris"));
		// 29 March 2026: clocks go from 02:00 to 03:00 in Paris, so 02:30 does not exist that day
		Instant before = Instant.parse("2026-03-28T01:30:00Z");
		assertThat(paris.next(before.minusSeconds(1))).isEqualTo(before);
		assertThat(paris.next(before)).isEqualTo(Instant.parse("2026-03-30T00:30:00Z"));
		assertThat(paris.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
		assertThat(paris.expression()).isEqualTo("0 30 2 * * *");
		assertThat(FireTimes.cron("@daily", ZoneId.of("UTC")).next(Instant.parse("2026-12-02T13:00:00Z")))
			.isEqualTo(Instant.parse("2026-12-03T00:00:00Z"));
		assertThat(FireTimes.cron("0 0 0 30 2 *", ZoneId.of("UTC")).next(Instant.now())).as("never").isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> FireTimes.cron("61 * * * * *", ZoneId.of("UTC")));
	}

	@Test
	void fixedRatesAreAnchoredNotTakenFromAnInstancesStart() {
		FireTimes quarter = FireTimes.fixedRate(Duration.ofMinutes(15), Instant.EPOCH);
		assertThat(quarter.next(Instant.parse("2026-12-02T13:07:31.123Z")))
			.isEqualTo(Instant.parse("2026-12-02T13:15:00Z"));
		assertThat(quarter.next(Instant.parse("2026-12-02T13:15:00Z"))).as("strictly after")
			.isEqualTo(Instant.parse("2026-12-02T13:30:00Z"));
		assertThat(quarter.zone()).isNull();
		assertThat(quarter.expression()).isEqualTo("PT15M");
		FireTimes anchored = FireTimes.fixedRate(Duration.ofHours(1), Instant.parse("2026-01-01T00:20:00Z"));
		assertThat(anchored.next(Instant.parse("2026-12-02T13:00:00Z"))).isEqualTo(Instant.parse("2026-12-02T13:20:00Z"));
		assertThat(anchored.next(Instant.parse("2025-12-31T23:30:00Z"))).as("before the anchor")
			.isEqualTo(Instant.parse("2026-01-01T00:20:00Z"));
		assertThatIllegalArgumentException().isThrownBy(() -> FireTimes.fixedRate(Duration.ZERO, Instant.EPOCH));
	}

	@Test
	void fireTimesOlderThanTheMisfireThresholdAreMissed() {
		FireTimes minutely = FireTimes.fixedRate(Duration.ofMinutes(1), Instant.EPOCH);
		DueFireTimes due = DueFireTimes.between(minutely, Instant.parse("2026-12-02T10:00:00Z"),
				Instant.parse("2026-12-02T10:10:30Z"), Duration.ofMinutes(2));
		assertThat(due.count()).isEqualTo(10);
		assertThat(due.onTime()).containsExactly(Instant.parse("2026-12-02T10:09:00Z"),
				Instant.parse("2026-12-02T10:10:00Z"));
		assertThat(due.missed()).isEqualTo(8);
		assertThat(due.lastMissed()).isEqualTo(Instant.parse("2026-12-02T10:08:00Z"));
		assertThat(due.latest()).isEqualTo(Instant.parse("2026-12-02T10:10:00Z"));
		assertThat(due.capped()).isFalse();
		DueFireTimes none = DueFireTimes.between(minutely, Instant.parse("2026-12-02T10:10:00Z"),
				Instant.parse("2026-12-02T10:10:30Z"), Duration.ofMinutes(1));
		assertThat(none.count()).isZero();
		assertThat(none.latest()).isNull();
	}

	@Test
	void aLongOutageOfAFrequentScheduleIsCountedUpToACapAndJumpsToItsLastDay() {
		FireTimes everySecond = FireTimes.fixedRate(Duration.ofSeconds(1), Instant.EPOCH);
		Instant now = Instant.parse("2026-12-02T10:00:00.500Z");
		DueFireTimes due = DueFireTimes.between(everySecond, now.minus(Duration.ofDays(30)), now, Duration.ofMinutes(1));
		assertThat(due.capped()).isTrue();
		assertThat(due.count()).isBetween((long) DueFireTimes.MAX_COUNTED, DueFireTimes.MAX_COUNTED + 86_400L);
		assertThat(due.latest()).isEqualTo(Instant.parse("2026-12-02T10:00:00Z"));
		assertThat(due.onTime()).hasSize(60);
		assertThat(due.missed()).isEqualTo(due.count() - 60);
	}

}

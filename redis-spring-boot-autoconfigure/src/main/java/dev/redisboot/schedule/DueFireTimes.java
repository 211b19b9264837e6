package dev.redisboot.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The fire times after a cursor up to now: those within the misfire threshold are on
 * time, the older ones missed.
 *
 * @param count how many in all (counted one by one up to {@link #MAX_COUNTED}, then at
 * least)
 * @param missed how many were missed
 * @param lastMissed the last one missed, or {@code null}
 * @param onTime the ones on time, oldest first (at most {@link #MAX_ON_TIME}: older ones
 * count as missed)
 * @param latest the last one, or {@code null} if none
 * @param capped whether counting stopped at {@link #MAX_COUNTED}
 */
record DueFireTimes(long count, long missed, @Nullable Instant lastMissed, List<Instant> onTime,
		@Nullable Instant latest, boolean capped) {

	/** Fire times counted one by one in a catch-up, at most. */
	static final int MAX_COUNTED = 100_000;

	/** Fire times within the misfire threshold enqueued in one go, at most. */
	static final int MAX_ON_TIME = 1_000;

	static DueFireTimes between(FireTimes times, Instant after, Instant now, Duration threshold) {
		Instant late = now.minus(threshold);
		long count = 0;
		long missed = 0;
		Instant lastMissed = null;
		Instant latest = null;
		ArrayDeque<Instant> onTime = new ArrayDeque<>();
		boolean capped = false;
		Instant fire = times.next(after);
		while (fire != null && !fire.isAfter(now)) {
			count++;
			latest = fire;
			if (fire.isBefore(late)) {
				missed++;
				lastMissed = fire;
			}
			else {
				onTime.addLast(fire);
				if (onTime.size() > MAX_ON_TIME) {
					missed++;
					lastMissed = onTime.removeFirst();
				}
			}
			if (count == MAX_COUNTED && !capped) {
				// a long outage of a frequent schedule: jump to the last day
				capped = true;
				Instant jump = now.minus(Duration.ofDays(1));
				if (jump.isAfter(fire)) {
					fire = jump;
				}
			}
			fire = times.next(fire);
		}
		return new DueFireTimes(count, missed, lastMissed, List.copyOf(onTime), latest, capped);
	}

}

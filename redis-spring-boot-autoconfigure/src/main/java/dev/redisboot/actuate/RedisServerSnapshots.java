package dev.redisboot.actuate;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Shares readings of the Redis servers between the health indicator, the server metrics and
 * the {@code redis} endpoint, so that a health check, a metrics refresh and an endpoint call
 * close together cost one {@code INFO} per node, not three. Concurrent callers that need a
 * fresh reading wait for one reading rather than each taking their own.
 *
 * @author redisboot
 */
public class RedisServerSnapshots {

	private final RedisServerInspector inspector;

	private final Clock clock;

	private final Object lock = new Object();

	private volatile @Nullable RedisServerSnapshot latest;

	/** Readings finished, so that a caller that waited for one takes it. */
	private final AtomicLong readings = new AtomicLong();

	/**
	 * Creates the shared readings.
	 * @param inspector takes the readings
	 * @param clock the clock that ages them
	 */
	public RedisServerSnapshots(RedisServerInspector inspector, Clock clock) {
		this.inspector = inspector;
		this.clock = clock;
	}

	/**
	 * Returns a reading no older than the given age, taking a new one if needed. A caller
	 * that waited while another took a reading takes that one, however long it took: on a
	 * Redis that does not answer, each reading lasts the timeout, and callers taking one
	 * after another would wait a timeout each.
	 * @param maxAge the oldest reading the caller accepts; zero reads anew unless a reading
	 * finished while the caller waited for it
	 * @return the reading
	 */
	public RedisServerSnapshot get(Duration maxAge) {
		RedisServerSnapshot snapshot = this.latest;
		if (isFresh(snapshot, maxAge)) {
			return snapshot;
		}
		long before = this.readings.get();
		synchronized (this.lock) {
			snapshot = this.latest;
			if (snapshot != null && (this.readings.get() != before || isFresh(snapshot, maxAge))) {
				return snapshot;
			}
			snapshot = this.inspector.snapshot();
			this.latest = snapshot;
			this.readings.incrementAndGet();
			return snapshot;
		}
	}

	/**
	 * The inspector behind the readings.
	 * @return the inspector
	 */
	public RedisServerInspector getInspector() {
		return this.inspector;
	}

	private boolean isFresh(@Nullable RedisServerSnapshot snapshot, Duration maxAge) {
		return snapshot != null && !maxAge.isZero()
				&& snapshot.takenAt().plus(maxAge).isAfter(this.clock.instant());
	}

}

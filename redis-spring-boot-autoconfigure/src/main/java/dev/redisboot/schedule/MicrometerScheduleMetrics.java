package dev.redisboot.schedule;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records {@link ScheduleMetrics} as meters tagged {@code schedule}:
 * {@code redisboot.schedule.fires{result=enqueued|duplicate|missed|skipped|failed}},
 * {@code redisboot.schedule.lateness} (a timer: from fire time to enqueue),
 * {@code redisboot.schedule.paused} (a gauge, 1 when paused) and
 * {@code redisboot.schedule.bad.state}. Every counter of a declared schedule is registered
 * at 0, so that dashboards and alerts see a rate of 0 rather than no series. Public for the
 * auto-configuration; not API.
 *
 * @author redisboot
 */
public final class MicrometerScheduleMetrics implements ScheduleMetrics {

	private static final String[] RESULTS = { "enqueued", "duplicate", "missed", "skipped", "failed" };

	private final MeterRegistry registry;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	private final Map<String, Timer> lateness = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> paused = new ConcurrentHashMap<>();

	/**
	 * Creates the metrics.
	 * @param registry the registry
	 */
	public MicrometerScheduleMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void declared(String schedule) {
		for (String result : RESULTS) {
			fires(schedule, result);
		}
		badStateCounter(schedule);
		pausedGauge(schedule);
		timer(schedule);
	}

	@Override
	public void fired(String schedule, String result, long count) {
		fires(schedule, result).increment(count);
	}

	@Override
	public void enqueuedLate(String schedule, Duration lateness) {
		timer(schedule).record(lateness.isNegative() ? Duration.ZERO : lateness);
	}

	@Override
	public void paused(String schedule, boolean paused) {
		pausedGauge(schedule).set(paused ? 1 : 0);
	}

	@Override
	public void badState(String schedule) {
		badStateCounter(schedule).increment();
	}

	private Counter fires(String schedule, String result) {
		return this.counters.computeIfAbsent(schedule + '\n' + result,
				(key) -> Counter.builder("redisboot.schedule.fires")
					.tag("schedule", schedule)
					.tag("result", result)
					.description("Fire times of recurring jobs by result "
							+ "(enqueued, duplicate, missed, skipped, failed)")
					.register(this.registry));
	}

	private Counter badStateCounter(String schedule) {
		return this.counters.computeIfAbsent(schedule + "\nbad-state",
				(key) -> Counter.builder("redisboot.schedule.bad.state")
					.tag("schedule", schedule)
					.description("Schedule keys that held something redisboot never writes, replaced")
					.register(this.registry));
	}

	private Timer timer(String schedule) {
		return this.lateness.computeIfAbsent(schedule, (key) -> Timer.builder("redisboot.schedule.lateness")
			.tag("schedule", schedule)
			.description("How long after its fire time a recurring job was enqueued")
			.register(this.registry));
	}

	private AtomicInteger pausedGauge(String schedule) {
		return this.paused.computeIfAbsent(schedule, (key) -> {
			AtomicInteger value = new AtomicInteger();
			Gauge.builder("redisboot.schedule.paused", value, AtomicInteger::get)
				.tag("schedule", schedule)
				.description("1 when the schedule is paused, as last read by this instance")
				.register(this.registry);
			return value;
		});
	}

}

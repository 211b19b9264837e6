package dev.redisboot.lock;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records {@link LockMetrics} as {@code redisboot.lock.*} meters. The counters an alert
 * watches are registered at 0 from the start, so dashboards see a rate of 0 rather than no
 * series. Public for the auto-configuration; not API.
 */
public final class MicrometerLockMetrics implements LockMetrics {

	private final MeterRegistry registry;

	private final Map<String, Counter> acquisitions = new ConcurrentHashMap<>();

	private final Map<String, Counter> releases = new ConcurrentHashMap<>();

	private final Map<String, Counter> runs = new ConcurrentHashMap<>();

	private final Counter expirations;

	private final Counter badState;

	/**
	 * Creates the metrics.
	 * @param registry the registry
	 */
	public MicrometerLockMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.expirations = Counter.builder("redisboot.lock.lease.expirations")
			.description("Leases that ended while their holder still worked (another holder may have run meanwhile)")
			.register(registry);
		this.badState = Counter.builder("redisboot.lock.bad.state")
			.description("Lock keys or fencing counters that held something redisboot never writes")
			.register(registry);
		for (String result : new String[] { "acquired", "busy", "error", "short-circuited" }) {
			acquisition(result, 0);
		}
		for (String result : new String[] { "released", "lost", "error" }) {
			counter(this.releases, "redisboot.lock.releases", "Lock releases by result (released, lost, error)",
					result);
		}
	}

	@Override
	public void acquisition(String result) {
		acquisition(result, 1);
	}

	private void acquisition(String result, int amount) {
		counter(this.acquisitions, "redisboot.lock.acquisitions",
				"Lock acquisitions by result (acquired, busy, error, short-circuited)", result)
			.increment(amount);
	}

	@Override
	public void waited(Duration waited, boolean acquired) {
		Timer.builder("redisboot.lock.wait")
			.tag("result", acquired ? "acquired" : "busy")
			.description("Time acquire() waited for a held lock")
			.register(this.registry)
			.record(waited);
	}

	@Override
	public void release(String result) {
		counter(this.releases, "redisboot.lock.releases", "Lock releases by result (released, lost, error)", result)
			.increment();
	}

	@Override
	public void leaseExpiredWhileHeld() {
		this.expirations.increment();
	}

	@Override
	public void badState() {
		this.badState.increment();
	}

	@Override
	public void taskDeclared(String task) {
		for (String result : new String[] { "ran", "skipped", "failed" }) {
			run(task, result);
		}
	}

	@Override
	public void scheduledRun(String task, String result) {
		run(task, result).increment();
	}

	private Counter run(String task, String result) {
		return this.runs.computeIfAbsent(task + '\n' + result, (key) -> Counter.builder("redisboot.lock.scheduled.runs")
			.tag("task", task)
			.tag("result", result)
			.description("Runs of @ScheduledOnce tasks on this instance by result (ran, skipped, failed)")
			.register(this.registry));
	}

	private Counter counter(Map<String, Counter> counters, String name, String description, String result) {
		return counters.computeIfAbsent(result,
				(key) -> Counter.builder(name).tag("result", result).description(description).register(this.registry));
	}

}

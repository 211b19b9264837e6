package dev.redisboot.writebehind;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;

/**
 * Records {@link WriteBehindMetrics} as meters tagged {@code name}:
 * {@code redisboot.writebehind.queued}, {@code .coalesced}, {@code .written},
 * {@code .failed}, {@code .swept}, {@code .faults{cause}}, the timer
 * {@code redisboot.writebehind.lag} (from when the oldest value of a batch was recorded to the
 * end of its database write) and, as of the last sweep, the gauges
 * {@code redisboot.writebehind.pending} (keys with a value not yet written) and
 * {@code redisboot.writebehind.oldest} (seconds since the oldest of those values).
 * The counters of a registered name start at 0, the faults' of every cause included. Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class MicrometerWriteBehindMetrics implements WriteBehindMetrics {

	private static final String[] CAUSES = { "redis", "unreadable", "replaced", "busy", "sweep" };

	private final MeterRegistry registry;

	private final Map<String, AtomicLong> pendingKeys = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> oldestMillis = new ConcurrentHashMap<>();

	/**
	 * Creates the metrics.
	 * @param registry the registry
	 */
	public MicrometerWriteBehindMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void registered(String name) {
		counter("queued", name);
		counter("coalesced", name);
		counter("written", name);
		counter("failed", name);
		counter("swept", name);
		for (String cause : CAUSES) {
			fault(name, cause, this.registry);
		}
		lag(name);
		Gauge.builder("redisboot.writebehind.pending", pendingKeys(name), AtomicLong::get)
			.description("Keys with a value not yet written to the database, as of the last sweep")
			.tag("name", name)
			.register(this.registry);
		TimeGauge.builder("redisboot.writebehind.oldest", oldestMillis(name), TimeUnit.MILLISECONDS, AtomicLong::get)
			.description("Age of the oldest value not yet written to the database, as of the last sweep")
			.tag("name", name)
			.register(this.registry);
	}

	@Override
	public void swept(String name) {
		counter("swept", name).increment();
	}

	@Override
	public void pending(String name, long keys, Duration oldest) {
		pendingKeys(name).set(keys);
		oldestMillis(name).set(oldest.toMillis());
	}

	private AtomicLong pendingKeys(String name) {
		return this.pendingKeys.computeIfAbsent(name, (key) -> new AtomicLong());
	}

	private AtomicLong oldestMillis(String name) {
		return this.oldestMillis.computeIfAbsent(name, (key) -> new AtomicLong());
	}

	@Override
	public void queued(String name) {
		counter("queued", name).increment();
	}

	@Override
	public void coalesced(String name) {
		counter("coalesced", name).increment();
	}

	@Override
	public void written(String name, Duration lag) {
		counter("written", name).increment();
		lag(name).record(lag);
	}

	@Override
	public void failed(String name) {
		counter("failed", name).increment();
	}

	@Override
	public void fault(String name, String cause) {
		fault(name, cause, this.registry).increment();
	}

	private static Counter fault(String name, String cause, MeterRegistry registry) {
		return Counter.builder("redisboot.writebehind.faults")
			.description("Write-behind faults around the application's writer")
			.tag("name", name)
			.tag("cause", cause)
			.register(registry);
	}

	private Counter counter(String what, String name) {
		return Counter.builder("redisboot.writebehind." + what)
			.description("Write-behind writes " + what)
			.tag("name", name)
			.register(this.registry);
	}

	private Timer lag(String name) {
		return Timer.builder("redisboot.writebehind.lag")
			.description("From a key's oldest unwritten value to the end of its database write")
			.tag("name", name)
			.register(this.registry);
	}

}

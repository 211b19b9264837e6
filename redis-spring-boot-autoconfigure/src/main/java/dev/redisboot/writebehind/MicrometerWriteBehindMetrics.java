package dev.redisboot.writebehind;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records {@link WriteBehindMetrics} as meters tagged {@code name}:
 * {@code redisboot.writebehind.queued}, {@code .coalesced}, {@code .written},
 * {@code .failed}, {@code .faults{cause}} and the timer {@code redisboot.writebehind.lag}
 * (from when the oldest value of a batch was recorded to the end of its database write).
 * The counters of a registered name start at 0. Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class MicrometerWriteBehindMetrics implements WriteBehindMetrics {

	private final MeterRegistry registry;

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
		lag(name);
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
		Counter.builder("redisboot.writebehind.faults")
			.description("Write-behind faults around the application's writer")
			.tag("name", name)
			.tag("cause", cause)
			.register(this.registry)
			.increment();
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

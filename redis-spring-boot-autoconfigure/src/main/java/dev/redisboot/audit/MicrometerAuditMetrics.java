package dev.redisboot.audit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Audit metrics in Micrometer: {@code redisboot.audit.events{action,result}}, and
 * {@code redisboot.audit.failures{operation,cause}} for a trail that Redis refused, whose
 * common tags are registered at 0, and {@code redisboot.audit.dropped{reason}} for records of
 * accesses to sensitive data that were lost.
 * <p>
 * Public for the auto-configuration; not API.
 *
 * @author redisboot
 */
public final class MicrometerAuditMetrics implements AuditMetrics {

	private final MeterRegistry registry;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	/**
	 * Creates the metrics.
	 * @param registry the registry
	 */
	public MicrometerAuditMetrics(MeterRegistry registry) {
		this.registry = registry;
		for (String cause : new String[] { "no-permission", "wrong-type", "unavailable", "other" }) {
			failureCounter("write", cause);
		}
	}

	@Override
	public void recorded(String action, String result) {
		this.counters
			.computeIfAbsent("e\n" + action + '\n' + result, (key) -> Counter.builder("redisboot.audit.events")
				.tag("action", action)
				.tag("result", result)
				.description("Write actions recorded in the audit trail")
				.register(this.registry))
			.increment();
	}

	@Override
	public void failed(String operation, String cause) {
		failureCounter(operation, cause).increment();
	}

	@Override
	public void dropped(String reason, long count) {
		this.counters
			.computeIfAbsent("d\n" + reason, (key) -> Counter.builder("redisboot.audit.dropped")
				.tag("reason", reason)
				.description("Records of accesses to sensitive data (audited caches) that were lost: "
						+ "the writer's queue was full, or Redis refused them")
				.register(this.registry))
			.increment(count);
	}

	private Counter failureCounter(String operation, String cause) {
		return this.counters.computeIfAbsent("f\n" + operation + '\n' + cause,
				(key) -> Counter.builder("redisboot.audit.failures")
					.tag("operation", operation)
					.tag("cause", cause)
					.description("Audit trail writes or reads that Redis refused or could not serve")
					.register(this.registry));
	}

}

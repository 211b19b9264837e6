package dev.redisboot.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts decisions as {@code redisboot.ratelimit.requests}, tagged {@code rule} and
 * {@code result} only: never a client IP, user or key, whose number is unbounded.
 * <p>
 * Public for the auto-configuration; not API. Replace it with a {@link RateLimitMetrics}
 * bean of your own.
 */
public final class MicrometerRateLimitMetrics implements RateLimitMetrics {

	private final MeterRegistry registry;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	/**
	 * Creates the metrics.
	 * @param registry the registry
	 */
	public MicrometerRateLimitMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void decision(String rule, String result) {
		this.counters
			.computeIfAbsent(rule + '\n' + result, (key) -> Counter.builder("redisboot.ratelimit.requests")
				.tag("rule", rule)
				.tag("result", result)
				.description("Rate-limit decisions by rule and result (allowed, rejected, error)")
				.register(this.registry))
			.increment();
	}

}

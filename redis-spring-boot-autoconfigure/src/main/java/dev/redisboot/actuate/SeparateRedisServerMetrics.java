package dev.redisboot.actuate;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.SmartLifecycle;

/**
 * The server metrics of the {@link SeparateRedisServers}, each tagged with its server's
 * name.
 *
 * @author redisboot
 */
public class SeparateRedisServerMetrics implements MeterBinder, SmartLifecycle {

	private final List<RedisServerMetrics> metrics;

	/**
	 * Creates the metrics.
	 * @param metrics the metrics of each server
	 */
	public SeparateRedisServerMetrics(List<RedisServerMetrics> metrics) {
		this.metrics = metrics;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.metrics.forEach((server) -> server.bindTo(registry));
	}

	@Override
	public void start() {
		this.metrics.forEach(RedisServerMetrics::start);
	}

	@Override
	public void stop() {
		this.metrics.forEach(RedisServerMetrics::stop);
	}

	@Override
	public boolean isRunning() {
		return this.metrics.stream().anyMatch(RedisServerMetrics::isRunning);
	}

	/**
	 * Reads every server now and updates the meters.
	 */
	public void refresh() {
		this.metrics.forEach(RedisServerMetrics::refresh);
	}

}

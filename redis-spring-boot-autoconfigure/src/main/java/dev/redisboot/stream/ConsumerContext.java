package dev.redisboot.stream;

import java.util.function.BooleanSupplier;

import dev.redisboot.core.WarnOnce;

/**
 * What the consumers of one {@link StreamListenerContainer} share.
 *
 * @param store the Redis side
 * @param metrics the metrics
 * @param warnOnce the container's log of problems, so that a problem all consumers of a
 * subscription meet is logged once
 * @param running whether the container is running; consumers stop when it turns false
 * @author redisboot
 */
record ConsumerContext(StreamStore store, StreamMetrics metrics, WarnOnce warnOnce, BooleanSupplier running) {

	boolean isRunning() {
		return this.running.getAsBoolean();
	}

}

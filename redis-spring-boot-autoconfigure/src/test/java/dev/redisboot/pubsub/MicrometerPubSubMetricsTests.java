package dev.redisboot.pubsub;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MicrometerPubSubMetrics}.
 */
class MicrometerPubSubMetricsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerPubSubMetrics metrics = new MicrometerPubSubMetrics(this.registry);

	@Test
	void countsByChannelAndResult() {
		this.metrics.published("orders");
		this.metrics.published("orders");
		this.metrics.received("orders");
		this.metrics.failed("audit:*");
		assertThat(count("orders", "published")).isEqualTo(2);
		assertThat(count("orders", "received")).isEqualTo(1);
		assertThat(count("audit:*", "failed")).isEqualTo(1);
	}

	@Test
	void channelsPastTheMaximumAreCountedAsOther() {
		for (int i = 0; i < MicrometerPubSubMetrics.MAX_CHANNELS; i++) {
			this.metrics.published("user:" + i);
		}
		this.metrics.published("user:extra");
		this.metrics.received("user:another");
		this.metrics.published("user:0");
		assertThat(this.registry.find("redisboot.pubsub.messages").tagKeys("channel").counters())
			.hasSize(MicrometerPubSubMetrics.MAX_CHANNELS + 2);
		assertThat(count("other", "published")).isEqualTo(1);
		assertThat(count("other", "received")).isEqualTo(1);
		assertThat(count("user:0", "published")).as("channels seen before keep their series").isEqualTo(2);
	}

	private double count(String channel, String result) {
		return this.registry.get("redisboot.pubsub.messages").tag("channel", channel).tag("result", result)
			.counter()
			.count();
	}

}

package dev.redisboot.pubsub;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.redisboot.core.WarnOnce;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.LogFactory;

/**
 * Counts messages as {@code redisboot.pubsub.messages}, tagged {@code channel} and
 * {@code result} ({@code published}, {@code received} or {@code failed}). Listeners are
 * tagged with their declared topic, so a pattern listener gives one series whatever the
 * channels it matches. Channels published to are the application's choice and may be many
 * (one per user, say): past {@value #MAX_CHANNELS} distinct channel tags, further channels
 * are counted as {@code other}, so that the number of series stays bounded.
 * <p>
 * Public for the auto-configuration; not API. To record elsewhere, define a
 * {@link PubSubMetrics} bean.
 *
 * @author redisboot
 */
public final class MicrometerPubSubMetrics implements PubSubMetrics {

	/**
	 * Most distinct values of the {@code channel} tag.
	 */
	static final int MAX_CHANNELS = 100;

	static final String OTHER = "other";

	private final MeterRegistry registry;

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	private final Set<String> channels = ConcurrentHashMap.newKeySet();

	private final WarnOnce warnOnce = new WarnOnce(LogFactory.getLog(MicrometerPubSubMetrics.class));

	/**
	 * Creates the metrics.
	 * @param registry the registry
	 */
	public MicrometerPubSubMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void published(String channel) {
		count(channel, "published");
	}

	@Override
	public void shortCircuited(String channel) {
		count(channel, "short-circuited");
	}

	@Override
	public void received(String topic) {
		count(topic, "received");
	}

	@Override
	public void failed(String topic) {
		count(topic, "failed");
	}

	@Override
	public void dropped() {
		count("unknown", "dropped");
	}

	private void count(String channel, String result) {
		String tag = tag(channel);
		this.counters
			.computeIfAbsent(tag + '\n' + result, (key) -> Counter.builder("redisboot.pubsub.messages")
				.tag("channel", tag)
				.tag("result", result)
				.description("Redis pub/sub messages by channel (a listener's declared channel or pattern) "
						+ "and result (published, short-circuited, received, failed, dropped)")
				.register(this.registry))
			.increment();
	}

	private String tag(String channel) {
		if (this.channels.contains(channel)) {
			return channel;
		}
		// approximate under races: at worst a few more than the maximum, never unbounded
		if (this.channels.size() < MAX_CHANNELS) {
			this.channels.add(channel);
			return channel;
		}
		this.warnOnce.warn("too-many-channels", "More than " + MAX_CHANNELS
				+ " distinct pub/sub channels were counted; further channels are tagged channel=\"" + OTHER
				+ "\" in redisboot.pubsub.messages", null);
		return OTHER;
	}

}

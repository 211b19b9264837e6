package dev.redisboot.actuate;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records the latency of every Lettuce command in the timer {@code redis.client.commands},
 * tagged only with the command's type ({@code GET}, {@code EVALSHA}, ...): no client or
 * server address, no key, so that the number of series stays as small as the set of
 * commands the application uses. The latency is Lettuce's completion latency, from the
 * command's dispatch to its reply. Lettuce's own {@code MicrometerCommandLatencyRecorder}
 * tags the local and remote address, one series per connection.
 *
 * @author redisboot
 */
public class CommandLatencyTimers implements CommandLatencyRecorder {

	/**
	 * The most command types given their own tag; others share {@code OTHER}.
	 */
	static final int MAX_COMMANDS = 200;

	private final MeterRegistry registry;

	private final boolean histogram;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	/**
	 * Creates the recorder.
	 * @param registry the registry
	 * @param histogram whether to publish histogram buckets (for {@code histogram_quantile}
	 * in Prometheus)
	 */
	public CommandLatencyTimers(MeterRegistry registry, boolean histogram) {
		this.registry = registry;
		this.histogram = histogram;
	}

	@Override
	public void recordCommandLatency(SocketAddress local, SocketAddress remote, ProtocolKeyword commandType,
			long firstResponseLatency, long completionLatency) {
		timer(commandType.toString()).record(completionLatency, TimeUnit.NANOSECONDS);
	}

	private Timer timer(String type) {
		Timer timer = this.timers.get(type);
		if (timer != null) {
			return timer;
		}
		String command = (this.timers.size() < MAX_COMMANDS) ? type.toUpperCase(Locale.ROOT) : "OTHER";
		return this.timers.computeIfAbsent(type, (key) -> Timer.builder("redis.client.commands")
			.tag("command", command)
			.description("Latency of Redis commands, from dispatch to reply")
			.publishPercentileHistogram(this.histogram)
			.minimumExpectedValue(Duration.ofNanos(50_000))
			.maximumExpectedValue(Duration.ofSeconds(5))
			.register(this.registry));
	}

}

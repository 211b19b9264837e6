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
import org.jspecify.annotations.Nullable;

/**
 * Records the latency of every Lettuce command in the timer {@code redis.client.commands},
 * tagged only with the command's type ({@code GET}, {@code EVALSHA}, ...): no client or
 * server address, no key, so that the number of series stays as small as the set of
 * commands the application uses, however many connections and Cluster nodes there are. The
 * latency is Lettuce's completion latency, from the command's dispatch to its reply.
 * With a separate Redis (such as the caches', {@code redisboot.cache.redis.*}), each
 * server's connection has its own recorder and every timer also a {@code server} tag.
 * Lettuce's own {@code MicrometerCommandLatencyRecorder} records two timers per command and
 * server address (per connection with {@code localDistinction}).
 * <p>
 * The histogram, when on, has a fixed set of {@link #BUCKETS} from 100 µs to 1 s, enough
 * for {@code histogram_quantile} and 17 series per command type, rather than Micrometer's
 * percentile histogram (78 buckets between the same bounds). Boot's
 * {@code management.metrics.distribution.*} properties for {@code redis.client.commands}
 * still apply on top.
 *
 * @author redisboot
 */
public class CommandLatencyTimers implements CommandLatencyRecorder {

	/**
	 * Upper bounds of the histogram buckets: a loopback round trip, a network round trip, and
	 * the slow commands worth an alert.
	 */
	static final Duration[] BUCKETS = { Duration.ofNanos(100_000), Duration.ofNanos(250_000),
			Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
			Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
			Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1) };

	/**
	 * The most command types given their own tag; others share {@code OTHER}.
	 */
	static final int MAX_COMMANDS = 200;

	private final MeterRegistry registry;

	private final boolean histogram;

	private final @Nullable String server;

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	/**
	 * Creates the recorder.
	 * @param registry the registry
	 * @param histogram whether to publish the {@link #BUCKETS} (for {@code histogram_quantile}
	 * in Prometheus)
	 */
	public CommandLatencyTimers(MeterRegistry registry, boolean histogram) {
		this(registry, histogram, null);
	}

	/**
	 * Creates the recorder of one of several Redis servers.
	 * @param registry the registry
	 * @param histogram whether to publish the {@link #BUCKETS}
	 * @param server the server's name ({@code default}, {@code cache}) as the {@code server}
	 * tag, or {@code null} for no such tag (the application has one Redis)
	 */
	public CommandLatencyTimers(MeterRegistry registry, boolean histogram, @Nullable String server) {
		this.registry = registry;
		this.histogram = histogram;
		this.server = server;
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
			.tags((this.server != null) ? new String[] { "server", this.server } : new String[0])
			.description("Latency of Redis commands, from dispatch to reply")
			.serviceLevelObjectives(this.histogram ? BUCKETS : new Duration[0])
			.register(this.registry));
	}

}

package dev.redisboot.stream;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Stream metrics in Micrometer, tagged {@code stream} and {@code group}:
 * {@code redisboot.stream.messages{result=processed|retried|dead-lettered}},
 * {@code redisboot.stream.processing} (handler time), {@code redisboot.stream.reclaimed},
 * {@code redisboot.stream.faults} (tag {@code cause}, see {@link StreamMetrics#fault}),
 * {@code redisboot.stream.adds{result=added|duplicate|failed|short-circuited}} (producers),
 * {@code redisboot.jobs.cancellations{outcome}}, {@code redisboot.jobs.unique{result}},
 * {@code redisboot.jobs.status-lookups{result}}, {@code redisboot.jobs.deferred{type,reason}},
 * and the gauges {@code redisboot.stream.pending}, {@code .lag}, {@code .delayed},
 * {@code .dead-letters}, read from values the container refreshes periodically (never a
 * Redis call per scrape).
 * <p>
 * Public for the auto-configuration; not API. To record elsewhere, define a
 * {@link StreamMetrics} bean.
 *
 * @author redisboot
 */
public final class MicrometerStreamMetrics implements StreamMetrics {

	private static final String ADDS = "redisboot.stream.adds";

	private static final String ADDS_DESCRIPTION = "Entries producers (JobQueue, StreamPublisher) added to a stream, "
			+ "by result (added, duplicate, failed, short-circuited)";

	private static final String[] ADD_RESULTS = { "added", "duplicate", "failed", "short-circuited" };

	private static final String CANCELLATIONS = "redisboot.jobs.cancellations";

	private static final String CANCELLATIONS_DESCRIPTION = "Job cancellations by outcome";

	private static final String[] CANCEL_OUTCOMES = { "cancelled", "requested", "already-finished", "not-found",
			"short-circuited" };

	private static final String STATUS_LOOKUPS = "redisboot.jobs.status-lookups";

	private static final String STATUS_LOOKUPS_DESCRIPTION = "Job status lookups by result";

	private static final String[] STATUS_RESULTS = { "found", "missing", "unreadable", "short-circuited" };

	private final MeterRegistry registry;

	private final Map<String, Boolean> producing = new ConcurrentHashMap<>();

	private final Map<String, Counter> counters = new ConcurrentHashMap<>();

	private final Map<String, Timer> timers = new ConcurrentHashMap<>();

	private final Map<String, AtomicReference<StreamStats>> stats = new ConcurrentHashMap<>();

	/**
	 * Creates the metrics.
	 * @param registry the registry
	 */
	public MicrometerStreamMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void handled(String stream, String group, String result, Duration duration) {
		String key = stream + '\n' + group;
		this.counters
			.computeIfAbsent(key + '\n' + result, (k) -> Counter.builder("redisboot.stream.messages")
				.tag("stream", stream)
				.tag("group", group)
				.tag("result", result)
				.description("Stream entries handled: processed, retried (failed, tried again later), dead-lettered or cancelled (jobs)")
				.register(this.registry))
			.increment();
		this.timers
			.computeIfAbsent(key, (k) -> Timer.builder("redisboot.stream.processing")
				.tag("stream", stream)
				.tag("group", group)
				.description("Time the handler took per entry")
				.register(this.registry))
			.record(duration);
	}

	@Override
	public void reclaimed(String stream, String group, int count) {
		this.counters
			.computeIfAbsent(stream + '\n' + group + "\nreclaimed", (k) -> Counter.builder("redisboot.stream.reclaimed")
				.tag("stream", stream)
				.tag("group", group)
				.description("Entries taken over from consumers that left them pending (presumed dead)")
				.register(this.registry))
			.increment(count);
	}

	@Override
	public void fault(String stream, String cause) {
		this.counters
			.computeIfAbsent(stream + "\n\nfault\n" + cause, (k) -> Counter.builder("redisboot.stream.faults")
				.tag("stream", stream)
				.tag("cause", cause)
				.description("Broken or hostile state in Redis that the streams worked around, by cause")
				.register(this.registry))
			.increment();
	}

	@Override
	public void producing(String stream) {
		this.producing.put(stream, Boolean.TRUE);
		for (String result : ADD_RESULTS) {
			count(ADDS, ADDS_DESCRIPTION, stream, "result", result, 0);
		}
		for (String outcome : CANCEL_OUTCOMES) {
			count(CANCELLATIONS, CANCELLATIONS_DESCRIPTION, stream, "outcome", outcome, 0);
		}
		for (String result : STATUS_RESULTS) {
			count(STATUS_LOOKUPS, STATUS_LOOKUPS_DESCRIPTION, stream, "result", result, 0);
		}
	}

	@Override
	public void added(String stream, String result) {
		if (!this.producing.containsKey(stream) && this.producing.putIfAbsent(stream, Boolean.TRUE) == null) {
			// a stream StreamPublisher adds to for the first time: every result from 0
			for (String each : ADD_RESULTS) {
				count(ADDS, ADDS_DESCRIPTION, stream, "result", each, 0);
			}
		}
		count(ADDS, ADDS_DESCRIPTION, stream, "result", result, 1);
	}

	@Override
	public void jobCancel(String stream, String outcome) {
		count(CANCELLATIONS, CANCELLATIONS_DESCRIPTION, stream, "outcome", outcome, 1);
	}

	@Override
	public void uniqueEnqueue(String stream, boolean existing) {
		count("redisboot.jobs.unique", "Unique job enqueues: added, or an unfinished job with the key existed", stream,
				"result", existing ? "existing" : "added", 1);
	}

	@Override
	public void jobDeferred(String stream, String type, String reason) {
		this.counters
			.computeIfAbsent("redisboot.jobs.deferred\n" + stream + '\n' + type + '\n' + reason,
					(k) -> Counter.builder("redisboot.jobs.deferred")
						.tag("stream", stream)
						.tag("type", type)
						.tag("reason", reason)
						.description("Jobs deferred by their type's concurrency or rate limit (not counted as attempts)")
						.register(this.registry))
			.increment();
	}

	@Override
	public void statusLookup(String stream, String result) {
		count(STATUS_LOOKUPS, STATUS_LOOKUPS_DESCRIPTION, stream, "result", result, 1);
	}

	private void count(String name, String description, String stream, String tag, String value, int amount) {
		this.counters
			.computeIfAbsent(name + '\n' + stream + '\n' + value, (k) -> Counter.builder(name)
				.tag("stream", stream)
				.tag(tag, value)
				.description(description)
				.register(this.registry))
			.increment(amount);
	}

	@Override
	public void stats(String stream, String group, StreamStats figures) {
		this.stats.computeIfAbsent(stream + '\n' + group, (key) -> {
			AtomicReference<StreamStats> holder = new AtomicReference<>(figures);
			gauge("redisboot.stream.pending", "Entries delivered to a consumer and not yet acknowledged", stream, group,
					holder, StreamStats::pending);
			gauge("redisboot.stream.lag", "Entries not yet delivered to the group", stream, group, holder,
					StreamStats::lag);
			gauge("redisboot.stream.delayed", "Entries waiting for their time (delayed jobs, retries)", stream, group,
					holder, StreamStats::delayed);
			gauge("redisboot.stream.dead-letters", "Entries in the stream's dead-letter stream", stream, group, holder,
					StreamStats::deadLetters);
			return holder;
		}).set(figures);
	}

	private void gauge(String name, String description, String stream, String group,
			AtomicReference<StreamStats> holder, java.util.function.ToLongFunction<StreamStats> value) {
		Gauge.builder(name, holder, (h) -> {
			long figure = value.applyAsLong(h.get());
			return (figure < 0) ? Double.NaN : figure;
		}).tag("stream", stream).tag("group", group).description(description).strongReference(true).register(this.registry);
	}

}

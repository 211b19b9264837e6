package dev.redisboot.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.core.redis.RedisFailureCause;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XTrimArgs;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The audit trail: records each write action in a Redis stream bounded by length and age, in
 * the log (one INFO line of the logger {@code dev.redisboot.audit.AuditTrail}) and in the
 * meter {@code redisboot.audit.events}, and reads the latest entries back.
 * <p>
 * Recording never fails the action it records: a trail that Redis refuses (no permission,
 * a key of another type, Redis down or slow beyond the timeout) is logged once at WARN,
 * counted in {@code redisboot.audit.failures}, and the action's log line and meter still
 * stand. Entries that are not the trail's own (garbage written by hand) are read back as
 * well as they can be, never as an error.
 *
 * @author redisboot
 */
public class AuditTrail {

	private static final Log logger = LogFactory.getLog(AuditTrail.class);

	private static final String[] FIELDS = { "time", "actor", "action", "target", "client", "result" };

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private final LettuceCommands redis;

	private final byte[] key;

	private final long maxLength;

	private final Duration retention;

	private final AuditMetrics metrics;

	/**
	 * Creates the trail.
	 * @param redis the Redis commands, with their timeout
	 * @param key the stream's key
	 * @param maxLength the most entries the stream keeps (approximately)
	 * @param retention how long entries are kept (approximately)
	 * @param metrics the metrics
	 */
	public AuditTrail(LettuceCommands redis, String key, long maxLength, Duration retention, AuditMetrics metrics) {
		this.redis = redis;
		this.key = key.getBytes(StandardCharsets.UTF_8);
		this.maxLength = maxLength;
		this.retention = retention;
		this.metrics = metrics;
	}

	/**
	 * Records an action: in the log and the metrics always, in Redis if it can.
	 * @param event the action
	 */
	public void record(AuditEvent event) {
		logger.info("Audit: actor=" + event.actor() + " action=" + event.action() + " target=[" + event.target()
				+ "] client=" + event.client() + " result=" + event.result());
		this.metrics.recorded(event.action(), event.result());
		try {
			write(List.of(event));
		}
		catch (RuntimeException ex) {
			failed("write", ex);
		}
	}

	/**
	 * Writes records of accesses to sensitive data (audited caches) to the stream, in one
	 * round trip, without a log line each (there may be many a second): each written one is
	 * counted in {@code redisboot.audit.events}; when Redis refuses the write, none is, the
	 * failure is counted and logged once, and the caller counts them as dropped.
	 * @param events the records
	 * @return {@code null} when they were written, otherwise why not ({@code no-permission},
	 * {@code wrong-type}, {@code unavailable} or {@code other})
	 */
	public @Nullable String recordAccesses(List<AuditEvent> events) {
		if (events.isEmpty()) {
			return null;
		}
		try {
			write(events);
		}
		catch (RuntimeException ex) {
			return failed("write", ex);
		}
		for (AuditEvent event : events) {
			this.metrics.recorded(event.action(), event.result());
		}
		return null;
	}

	/**
	 * Adds the events to the stream, pipelined, then trims it by age once.
	 */
	private void write(List<AuditEvent> events) {
		AuditEvent last = events.get(events.size() - 1);
		String minId = Math.max(0, last.time().toEpochMilli() - this.retention.toMillis()) + "-0";
		this.redis.execute((commands) -> {
			CompletableFuture<?> all = CompletableFuture.completedFuture(null);
			for (AuditEvent event : events) {
				all = all.thenCombine(commands
					.xadd(this.key, XAddArgs.Builder.maxlen(this.maxLength).approximateTrimming(), body(event))
					.toCompletableFuture(), (previous, id) -> id);
			}
			return all.thenCombine(commands.xtrim(this.key, XTrimArgs.Builder.minId(minId).approximateTrimming()),
					(id, trimmed) -> id);
		});
	}

	private static Map<byte[], byte[]> body(AuditEvent event) {
		Map<byte[], byte[]> body = new LinkedHashMap<>();
		String[] values = { event.time().toString(), event.actor(), event.action(), event.target(), event.client(),
				event.result() };
		for (int i = 0; i < FIELDS.length; i++) {
			body.put(bytes(FIELDS[i]), bytes(values[i]));
		}
		return body;
	}

	/**
	 * Reads the latest entries, newest first.
	 * @param limit how many at most
	 * @return the entries, or why they could not be read
	 */
	public Recent recent(int limit) {
		try {
			List<StreamMessage<byte[], byte[]>> messages = this.redis
				.execute((commands) -> commands.xrevrange(this.key, Range.unbounded(), Limit.from(limit)));
			List<Map<String, String>> entries = new ArrayList<>();
			if (messages != null) {
				for (StreamMessage<byte[], byte[]> message : messages) {
					entries.add(entry(message));
				}
			}
			return new Recent(entries, null);
		}
		catch (RuntimeException ex) {
			return new Recent(List.of(), failed("read", ex));
		}
	}

	private static Map<String, String> entry(StreamMessage<byte[], byte[]> message) {
		Map<String, String> fields = new LinkedHashMap<>();
		Map<String, String> read = new LinkedHashMap<>();
		if (message.getBody() != null) {
			message.getBody().forEach((name, value) -> read.put(string(name), string(value)));
		}
		fields.put("id", message.getId());
		for (String field : FIELDS) {
			fields.put(field, read.getOrDefault(field, "?"));
		}
		return fields;
	}

	private String failed(String operation, RuntimeException ex) {
		String cause = cause(ex);
		this.metrics.failed(operation, cause);
		this.warnOnce.warn(operation + '\n' + cause,
				"Could not " + operation + " the audit trail in Redis (" + cause + "): " + RedisFailureCause.of(ex)
						+ ((operation.equals("write")) ? "; the action is still logged and counted" : ""),
				null);
		return cause;
	}

	private static String cause(RuntimeException ex) {
		RedisFailureCause failure = RedisFailureCause.of(ex);
		if (failure.reason() == RedisFailureCause.Reason.NO_PERMISSION) {
			return "no-permission";
		}
		if (failure.message().toUpperCase(Locale.ROOT).startsWith("WRONGTYPE")) {
			return "wrong-type";
		}
		if (ex instanceof RedisCommandException command && command.isRedisUnavailable()) {
			return "unavailable";
		}
		return "other";
	}

	private static byte[] bytes(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

	private static String string(byte @Nullable [] value) {
		return (value != null) ? new String(value, StandardCharsets.UTF_8) : "";
	}

	/**
	 * The latest entries of the trail.
	 *
	 * @param entries the entries, newest first, each with {@code id}, {@code time},
	 * {@code actor}, {@code action}, {@code target}, {@code client} and {@code result}
	 * ({@code ?} for a field an entry lacks)
	 * @param unreadable why the trail could not be read ({@code no-permission},
	 * {@code wrong-type}, {@code unavailable}, {@code other}), or {@code null}
	 */
	public record Recent(List<Map<String, String>> entries, @Nullable String unreadable) {

	}

}

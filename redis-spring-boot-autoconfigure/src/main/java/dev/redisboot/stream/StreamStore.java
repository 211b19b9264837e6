package dev.redisboot.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCommandException;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.models.stream.PendingMessages;
import org.jspecify.annotations.Nullable;

import static dev.redisboot.stream.StreamFields.bytes;
import static dev.redisboot.stream.StreamFields.string;

/**
 * The commands of streams on the application's connection (never blocking ones): adding,
 * moving due entries, acknowledging, retrying and dead-lettering, and reading the backlog and
 * the dead letters. Keys come from {@link StreamKeys}, scripts from {@code StreamScripts};
 * the blocking reads are the consumers' own ({@code StreamWorker}).
 * <p>
 * Public for the auto-configuration; not API. A stream's figures are read through the
 * {@code streams} endpoint or the {@code redisboot.stream.*} gauges, its keys through
 * {@link StreamKeys}.
 *
 * @author redisboot
 */
public final class StreamStore {

	private final LettuceCommands redis;

	private final StreamKeys keys;

	/**
	 * Creates a store.
	 * @param redis commands on the application's connection (never blocking ones)
	 * @param keys the key names
	 */
	public StreamStore(LettuceCommands redis, StreamKeys keys) {
		this.redis = redis;
		this.keys = keys;
	}

	StreamKeys keys() {
		return this.keys;
	}

	/**
	 * Adds an entry with the {@code ENQUEUE} script.
	 * @param stream the stream
	 * @param jobId the id to return, and to remember under the idempotency key
	 * @param fields the fields
	 * @param maxLength approximate length to trim to
	 * @param idempotencyKey a key under which only one entry may ever be added within
	 * {@code idempotencyTtl}, or {@code null}
	 * @param idempotencyTtl how long the key is remembered
	 * @param dueAtMillis when the entry is due (epoch ms), 0 for now
	 * @return whether the entry was added (false: a duplicate), and the job id
	 */
	Enqueued enqueue(String stream, String jobId, Map<String, byte[]> fields, long maxLength,
			@Nullable String idempotencyKey, Duration idempotencyTtl, long dueAtMillis) {
		List<byte[]> args = new ArrayList<>();
		args.add(bytes(Long.toString(maxLength)));
		args.add(bytes((idempotencyKey != null) ? Long.toString(Math.max(1, idempotencyTtl.toMillis())) : "0"));
		args.add(bytes(Long.toString(dueAtMillis)));
		args.add((dueAtMillis != 0) ? StreamFields.delayedMember(fields) : new byte[0]);
		args.add(bytes(jobId));
		fields.forEach((name, value) -> {
			args.add(bytes(name));
			args.add(value);
		});
		String streamKey = this.keys.streamKey(stream);
		String idempotency = (idempotencyKey != null) ? this.keys.idempotencyKey(stream, idempotencyKey) : streamKey;
		List<Object> result = this.redis.evalsha(StreamScripts.ENQUEUE, ScriptOutputType.MULTI,
				keys(streamKey, this.keys.delayedKey(stream), idempotency), args.toArray(byte[][]::new));
		if (result == null || result.size() != 3) {
			throw new IllegalStateException("Unexpected reply to enqueue");
		}
		return new Enqueued(Long.valueOf(1).equals(result.get(0)), string((byte[]) result.get(1)),
				Long.valueOf(1).equals(result.get(2)));
	}

	/**
	 * Adds an entry to a stream with a plain {@code XADD}.
	 * @param stream the stream
	 * @param fields the fields
	 * @param maxLength approximate length to trim to
	 * @return the entry's id
	 */
	String add(String stream, Map<String, byte[]> fields, long maxLength) {
		Map<byte[], byte[]> body = new LinkedHashMap<>();
		fields.forEach((name, value) -> body.put(bytes(name), value));
		return this.redis.execute((commands) -> commands.xadd(bytes(this.keys.streamKey(stream)),
				XAddArgs.Builder.maxlen(maxLength).approximateTrimming(), body));
	}

	/**
	 * The outcome of an add.
	 *
	 * @param added whether the entry was added, false for a duplicate
	 * @param jobId the job id, the earlier one for a duplicate
	 * @param replacedUnreadable whether the idempotency key held something other than a job
	 * id (garbage or another Redis type), which was replaced
	 */
	record Enqueued(boolean added, String jobId, boolean replacedUnreadable) {
	}

	/**
	 * Moves due entries from the delayed set into the stream; unreadable members go to the
	 * dead-letter stream.
	 * @return how many moved and how many were dead-lettered
	 */
	Moved moveDue(String stream, long nowMillis, long maxLength, int limit, long deadLetterMaxLength) {
		List<Object> result = this.redis.evalsha(StreamScripts.MOVE_DUE, ScriptOutputType.MULTI,
				keys(this.keys.streamKey(stream), this.keys.delayedKey(stream), this.keys.deadLetterKey(stream)),
				bytes(Long.toString(nowMillis)), bytes(Long.toString(maxLength)), bytes(Integer.toString(limit)),
				bytes(Long.toString(deadLetterMaxLength)));
		if (result == null || result.size() != 2) {
			return new Moved(0, 0);
		}
		return new Moved(((Number) result.get(0)).intValue(), ((Number) result.get(1)).intValue());
	}

	/**
	 * The outcome of a move of due entries.
	 *
	 * @param moved entries moved into the stream
	 * @param deadLettered unreadable members moved to the dead-letter stream
	 */
	record Moved(int moved, int deadLettered) {

		int total() {
			return this.moved + this.deadLettered;
		}

	}

	/**
	 * Creates the group (and the stream) if absent, reading from the stream's start.
	 */
	void ensureGroup(String stream, String group) {
		try {
			this.redis.execute((commands) -> commands.xgroupCreate(
					XReadArgs.StreamOffset.from(bytes(this.keys.streamKey(stream)), "0"), bytes(group),
					XGroupCreateArgs.Builder.mkstream()));
		}
		catch (RedisCommandException ex) {
			if (!(ex.getCause() instanceof RedisBusyException)) {
				throw ex;
			}
		}
	}

	boolean ack(String stream, String group, String id) {
		Long acked = this.redis.execute((commands) -> commands.xack(bytes(this.keys.streamKey(stream)), bytes(group), id));
		return acked != null && acked > 0;
	}

	boolean retry(String stream, String group, String id, long dueAtMillis, Map<String, byte[]> fields) {
		Long done = this.redis.evalsha(StreamScripts.FAIL, ScriptOutputType.INTEGER, failKeys(stream), bytes(group),
				bytes(id), bytes("retry"), bytes(Long.toString(dueAtMillis)), StreamFields.delayedMember(fields),
				bytes("0"));
		return done != null && done > 0;
	}

	boolean deadLetter(String stream, String group, String id, Map<String, byte[]> fields, long maxLength) {
		List<byte[]> args = new ArrayList<>(List.of(bytes(group), bytes(id), bytes("dead"), bytes("0"), new byte[0],
				bytes(Long.toString(maxLength))));
		fields.forEach((name, value) -> {
			args.add(bytes(name));
			args.add(value);
		});
		Long done = this.redis.evalsha(StreamScripts.FAIL, ScriptOutputType.INTEGER, failKeys(stream),
				args.toArray(byte[][]::new));
		return done != null && done > 0;
	}

	private byte[][] failKeys(String stream) {
		return keys(this.keys.streamKey(stream), this.keys.delayedKey(stream), this.keys.deadLetterKey(stream));
	}

	/**
	 * How often an entry has been delivered to a consumer of the group.
	 * @return the count, 0 if it is not pending
	 */
	long deliveries(String stream, String group, String id) {
		List<PendingMessage> pending = this.redis.execute((commands) -> commands
			.xpending(bytes(this.keys.streamKey(stream)), bytes(group), Range.create(id, id), Limit.from(1)));
		return (pending == null || pending.isEmpty()) ? 0 : pending.get(0).getRedeliveryCount();
	}

	/**
	 * Removes a consumer that holds no pending entries, so that restarted instances do not
	 * pile up consumers.
	 */
	void removeIdleConsumer(String stream, String group, String consumer) {
		byte[] key = bytes(this.keys.streamKey(stream));
		PendingMessages summary = this.redis.execute((commands) -> commands.xpending(key, bytes(group)));
		Long own = (summary != null) ? summary.getConsumerMessageCount().get(consumer) : null;
		if (own == null || own == 0) {
			this.redis.execute(
					(commands) -> commands.xgroupDelconsumer(key, Consumer.from(bytes(group), bytes(consumer))));
		}
	}

	/**
	 * Moves dead letters back into the stream, each with its attempts counted afresh.
	 * @param stream the stream
	 * @param group only dead letters of this group, or {@code null} for all
	 * @param limit most entries to move
	 * @param maxLength approximate length to trim the stream to
	 * @return how many were moved
	 */
	int retryDeadLetters(String stream, @Nullable String group, int limit, long maxLength) {
		Long moved = this.redis.evalsha(StreamScripts.RETRY_DEAD_LETTERS, ScriptOutputType.INTEGER,
				keys(this.keys.streamKey(stream), this.keys.deadLetterKey(stream)), bytes(Integer.toString(limit)),
				bytes(Long.toString(maxLength)), bytes((group != null) ? group : ""));
		return (moved != null) ? moved.intValue() : 0;
	}

	/**
	 * Reads the backlog of a group.
	 * @param stream the stream
	 * @param group the group
	 * @return the figures
	 */
	StreamStats stats(String stream, String group) {
		byte[] key = bytes(this.keys.streamKey(stream));
		List<Object> results = this.redis.execute((commands) -> {
			// a key of the wrong type gives -1 (shown as no value) for its figure, not a failure of all
			var length = commands.xlen(key).toCompletableFuture().exceptionally((ex) -> -1L);
			var groups = commands.xinfoGroups(key).toCompletableFuture().exceptionally((ex) -> List.of());
			var delayed = commands.zcard(bytes(this.keys.delayedKey(stream)))
				.toCompletableFuture()
				.exceptionally((ex) -> -1L);
			var dead = commands.xlen(bytes(this.keys.deadLetterKey(stream)))
				.toCompletableFuture()
				.exceptionally((ex) -> -1L);
			return CompletableFuture.allOf(length, groups, delayed, dead)
				.thenApply((ignored) -> List.<Object>of(length.join(), groups.join(), delayed.join(), dead.join()));
		});
		long pending = 0;
		long lag = -1;
		if (results != null) {
			for (Object entry : (List<?>) results.get(1)) {
				Map<String, Object> info = flatMap((List<?>) entry);
				if (group.equals(info.get("name"))) {
					pending = number(info.get("pending"), 0);
					lag = number(info.get("lag"), -1);
				}
			}
		}
		return new StreamStats(stream, group, (results != null) ? (Long) results.get(0) : 0, pending, lag,
				(results != null) ? (Long) results.get(2) : 0, (results != null) ? (Long) results.get(3) : 0);
	}

	/**
	 * Reads dead letters, oldest first.
	 * @param stream the stream
	 * @param limit most entries
	 * @return the entries' fields by entry id
	 */
	Map<String, Map<String, String>> deadLetters(String stream, int limit) {
		List<StreamMessage<byte[], byte[]>> entries = this.redis.execute((commands) -> commands
			.xrange(bytes(this.keys.deadLetterKey(stream)), Range.create("-", "+"), Limit.from(limit)));
		Map<String, Map<String, String>> letters = new LinkedHashMap<>();
		if (entries != null) {
			for (StreamMessage<byte[], byte[]> entry : entries) {
				Map<String, String> fields = new LinkedHashMap<>();
				entry.getBody().forEach((name, value) -> fields.put(string(name), string(value)));
				letters.put(entry.getId(), fields);
			}
		}
		return letters;
	}

	private static Map<String, Object> flatMap(List<?> flat) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			Object name = flat.get(i);
			Object value = flat.get(i + 1);
			map.put((name instanceof byte[] b) ? string(b) : String.valueOf(name),
					(value instanceof byte[] b) ? string(b) : value);
		}
		return map;
	}

	private static long number(@Nullable Object value, long otherwise) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		if (value instanceof String text) {
			try {
				return Long.parseLong(text);
			}
			catch (NumberFormatException ex) {
				return otherwise;
			}
		}
		return otherwise;
	}

	private static byte[][] keys(String... keys) {
		byte[][] bytes = new byte[keys.length][];
		for (int i = 0; i < keys.length; i++) {
			bytes[i] = bytes(keys[i]);
		}
		return bytes;
	}

}

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
	 * @param jobId the id to return, and to remember under the idempotency or unique key
	 * @param fields the fields
	 * @param maxLength approximate length to trim to
	 * @param onceKey the Redis key of an idempotency or unique key under which only one job
	 * may be added while it lives, or {@code null}
	 * @param onceKeyTtlMillis how long that key lives
	 * @param dueAtMillis when the entry is due (epoch ms), 0 for now
	 * @param job the job's status record to write, or {@code null} for an untracked job
	 * @return whether the entry was added (false: a duplicate), and the job id
	 */
	Enqueued enqueue(String stream, String jobId, Map<String, byte[]> fields, long maxLength,
			@Nullable String onceKey, long onceKeyTtlMillis, long dueAtMillis, @Nullable NewJob job) {
		List<byte[]> args = new ArrayList<>();
		args.add(bytes(Long.toString(maxLength)));
		args.add(bytes((onceKey != null) ? Long.toString(Math.max(1, onceKeyTtlMillis)) : "0"));
		args.add(bytes(Long.toString(dueAtMillis)));
		args.add((dueAtMillis != 0) ? StreamFields.delayedMember(fields) : new byte[0]);
		args.add(bytes(jobId));
		args.add(bytes((job != null) ? Long.toString(Math.max(1, job.statusTtlMillis())) : "0"));
		args.add(bytes((job != null) ? Long.toString(job.nowMillis()) : "0"));
		args.add(bytes((job != null) ? job.type() : ""));
		args.add(bytes((job != null && job.uniqueDigest() != null) ? job.uniqueDigest() : ""));
		fields.forEach((name, value) -> {
			args.add(bytes(name));
			args.add(value);
		});
		String streamKey = this.keys.streamKey(stream);
		List<Object> result = this.redis.evalsha(StreamScripts.ENQUEUE, ScriptOutputType.MULTI,
				keys(streamKey, this.keys.delayedKey(stream), (onceKey != null) ? onceKey : streamKey,
						(job != null) ? this.keys.jobStatusKey(stream, jobId) : streamKey),
				args.toArray(byte[][]::new));
		if (result == null || result.size() != 4) {
			throw new IllegalStateException("Unexpected reply to enqueue");
		}
		return new Enqueued(Long.valueOf(1).equals(result.get(0)), string((byte[]) result.get(1)),
				Long.valueOf(1).equals(result.get(2)), Long.valueOf(1).equals(result.get(3)));
	}

	/**
	 * A tracked job's status record as the enqueue script writes it.
	 *
	 * @param type the job type
	 * @param nowMillis the time of the enqueue
	 * @param statusTtlMillis how long the record lives unless a later step writes it
	 * @param uniqueDigest the digest of its unique key, or {@code null}
	 */
	record NewJob(String type, long nowMillis, long statusTtlMillis, @Nullable String uniqueDigest) {
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
	 * @param replacedUnreadable whether the idempotency or unique key held something other
	 * than a job id (garbage or another Redis type), which was replaced
	 * @param statusReplaced whether the job's status record key held another type, which was
	 * replaced
	 */
	record Enqueued(boolean added, String jobId, boolean replacedUnreadable, boolean statusReplaced) {
	}

	/**
	 * Moves due entries from the delayed set into the stream; unreadable members go to the
	 * dead-letter stream.
	 * @return how many moved and how many were dead-lettered
	 */
	Moved moveDue(String stream, long nowMillis, long maxLength, int limit, long deadLetterMaxLength) {
		return moveDue(stream, false, false, nowMillis, maxLength, limit, deadLetterMaxLength);
	}

	/**
	 * Moves due entries from the delayed set into the stream or, for jobs of a priority
	 * whose lane is consumed here, into the lane.
	 * @param highLane whether the high-priority lane is consumed
	 * @param lowLane whether the low-priority lane is consumed
	 * @return how many moved and how many were dead-lettered
	 */
	Moved moveDue(String stream, boolean highLane, boolean lowLane, long nowMillis, long maxLength, int limit,
			long deadLetterMaxLength) {
		String streamKey = this.keys.streamKey(stream);
		List<Object> result = this.redis.evalsha(StreamScripts.MOVE_DUE, ScriptOutputType.MULTI,
				keys(streamKey, this.keys.delayedKey(stream), this.keys.deadLetterKey(stream),
						highLane ? this.keys.streamKey(JobPriority.HIGH.lane(stream)) : streamKey,
						lowLane ? this.keys.streamKey(JobPriority.LOW.lane(stream)) : streamKey),
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

	/**
	 * Acknowledges a failed entry and schedules it again.
	 * @param job the tracked job's step, or {@code null}
	 * @return 1 when retried, 2 when the job was cancelled instead, 0 when it was not pending
	 */
	long retry(String stream, String group, String id, long dueAtMillis, Map<String, byte[]> fields,
			@Nullable JobStep job) {
		return fail(stream, group, id, "retry", dueAtMillis, StreamFields.delayedMember(fields), 0, Map.of(), job);
	}

	/**
	 * Acknowledges a failed entry and adds it to the dead-letter stream.
	 * @param job the tracked job's step, or {@code null}
	 * @return 1 when dead-lettered, 2 when the job was cancelled instead, 0 when it was not
	 * pending
	 */
	long deadLetter(String stream, String group, String id, Map<String, byte[]> fields, long maxLength,
			@Nullable JobStep job) {
		return fail(stream, group, id, "dead", 0, new byte[0], maxLength, fields, job);
	}

	private long fail(String stream, String group, String id, String action, long dueAtMillis, byte[] member,
			long maxLength, Map<String, byte[]> fields, @Nullable JobStep job) {
		List<byte[]> args = new ArrayList<>(List.of(bytes(group), bytes(id), bytes(action),
				bytes(Long.toString(dueAtMillis)), member, bytes(Long.toString(maxLength))));
		args.add(bytes((job != null) ? Long.toString(Math.max(1, job.statusTtlMillis())) : "0"));
		args.add(bytes((job != null) ? job.jobId() : ""));
		args.add(bytes((job != null) ? Long.toString(job.nowMillis()) : "0"));
		args.add(bytes((job != null && job.error() != null) ? job.error() : ""));
		args.add(bytes((job != null) ? Long.toString(Math.max(1, job.statusTtlMillis() + Math.max(0,
				dueAtMillis - job.nowMillis()))) : "0"));
		fields.forEach((name, value) -> {
			args.add(bytes(name));
			args.add(value);
		});
		String streamKey = this.keys.streamKey(stream);
		String statusKey = (job != null) ? this.keys.jobStatusKey(stream, job.jobId()) : streamKey;
		Long done = this.redis.evalsha(StreamScripts.FAIL, ScriptOutputType.INTEGER,
				keys(streamKey, this.keys.delayedKey(stream), this.keys.deadLetterKey(stream), statusKey,
						uniqueKey(stream, job, statusKey)),
				args.toArray(byte[][]::new));
		return (done != null) ? done : 0;
	}

	private String uniqueKey(String stream, @Nullable JobStep job, String otherwise) {
		return (job != null && job.uniqueDigest() != null) ? this.keys.uniqueKeyOfDigest(stream, job.uniqueDigest())
				: otherwise;
	}

	/**
	 * Marks a tracked job running, unless it was cancelled (then acknowledges it) or must wait
	 * (then defers it).
	 * @param attempt the attempt that starts
	 * @param uniqueTtlMillis the unique key's TTL, renewed if it still names the job
	 * @param type the job type
	 * @param limits the type's limits
	 * @param deferMillis 0 to run the job if it may, else defer it by this long
	 * @param fields the job's fields, to put back in the delayed set if it is deferred
	 * @return whether to run it, and whether a record was unreadable
	 */
	Started startJob(String stream, String group, String id, JobStep job, int attempt, long uniqueTtlMillis,
			String type, JobLimits limits, long deferMillis, Map<String, byte[]> fields) {
		String statusKey = this.keys.jobStatusKey(stream, job.jobId());
		boolean deferrable = deferMillis > 0 || limits.rateLimit() > 0;
		List<Object> result = this.redis.evalsha(StreamScripts.JOB_START, ScriptOutputType.MULTI,
				keys(this.keys.streamKey(stream), statusKey, uniqueKey(stream, job, statusKey),
						this.keys.delayedKey(stream),
						(limits.rateLimit() > 0) ? this.keys.jobRateKey(stream, type) : statusKey),
				bytes(group), bytes(id), bytes(job.jobId()), bytes(Integer.toString(attempt)),
				bytes(Long.toString(job.nowMillis())), bytes(Long.toString(Math.max(1, job.statusTtlMillis()))),
				bytes(Long.toString(Math.max(1, uniqueTtlMillis))), bytes(type),
				bytes((deferMillis > 0) ? "defer" : "run"), bytes(Long.toString(limits.rateIntervalMillis())),
				bytes(Long.toString(limits.ratePeriod().toMillis())),
				deferrable ? StreamFields.delayedMember(fields) : new byte[0], bytes(Long.toString(deferMillis)));
		if (result == null || result.size() != 3) {
			throw new IllegalStateException("Unexpected reply to the start of a job");
		}
		Object outcome = result.get(0);
		return new Started(Long.valueOf(1).equals(outcome), Long.valueOf(2).equals(outcome),
				Long.valueOf(1).equals(result.get(1)));
	}

	/**
	 * The outcome of a job's start.
	 *
	 * @param run whether to run it (false: it was cancelled or deferred, and is acknowledged)
	 * @param deferred whether it was deferred (back in the delayed set)
	 * @param statusFault whether its status record or rate key was unreadable (and replaced)
	 */
	record Started(boolean run, boolean deferred, boolean statusFault) {
	}

	/**
	 * Acknowledges a tracked job whose handler returned and writes its final state.
	 * @param finalState {@code DONE} or {@code CANCELLED}
	 * @return whether its status record was unreadable (and replaced)
	 */
	boolean completeJob(String stream, String group, String id, JobStep job, JobState finalState) {
		String statusKey = this.keys.jobStatusKey(stream, job.jobId());
		List<Object> result = this.redis.evalsha(StreamScripts.JOB_COMPLETE, ScriptOutputType.MULTI,
				keys(this.keys.streamKey(stream), statusKey, uniqueKey(stream, job, statusKey)), bytes(group), bytes(id),
				bytes(job.jobId()), bytes(Long.toString(job.nowMillis())),
				bytes(Long.toString(Math.max(1, job.statusTtlMillis()))), bytes(finalState.name()));
		return result == null || result.size() != 2 || Long.valueOf(1).equals(result.get(1));
	}

	/**
	 * A step of a tracked job.
	 *
	 * @param jobId the job's id
	 * @param uniqueDigest the digest of its unique key, or {@code null}
	 * @param nowMillis the time of the step
	 * @param statusTtlMillis how long its status record lives after the step (plus the time
	 * until a retry is due)
	 * @param error the failure of a failed step, or {@code null}
	 */
	record JobStep(String jobId, @Nullable String uniqueDigest, long nowMillis, long statusTtlMillis,
			@Nullable String error) {
	}

	/**
	 * Reads a job's status record.
	 * @return its fields, empty if it has none
	 * @throws RuntimeException if it is of another type, or cannot be read
	 */
	Map<String, String> jobStatus(String stream, String jobId) {
		Map<byte[], byte[]> record = this.redis
			.execute((commands) -> commands.hgetall(bytes(this.keys.jobStatusKey(stream, jobId))));
		Map<String, String> fields = new LinkedHashMap<>();
		if (record != null) {
			record.forEach((name, value) -> fields.put(string(name), string(value)));
		}
		return fields;
	}

	/**
	 * Reads whether a running job's cancellation was requested.
	 * @return whether its status record has the cancel flag
	 */
	boolean cancelRequested(String stream, String jobId) {
		byte[] flag = this.redis
			.execute((commands) -> commands.hget(bytes(this.keys.jobStatusKey(stream, jobId)), bytes("cancel")));
		return flag != null;
	}

	/**
	 * Cancels a job with the {@code JOB_CANCEL} script.
	 * @param uniqueDigest the digest of its unique key, or {@code null}
	 * @return the script's outcome: {@code cancelled}, {@code requested}, {@code missing},
	 * {@code unreadable} or {@code finished}
	 */
	String cancel(String stream, String jobId, @Nullable String uniqueDigest, long nowMillis, long statusTtlMillis) {
		String statusKey = this.keys.jobStatusKey(stream, jobId);
		String uniqueKey = (uniqueDigest != null) ? this.keys.uniqueKeyOfDigest(stream, uniqueDigest) : statusKey;
		List<Object> result = this.redis.evalsha(StreamScripts.JOB_CANCEL, ScriptOutputType.MULTI,
				keys(statusKey, this.keys.delayedKey(stream), uniqueKey), bytes(jobId),
				bytes(Long.toString(nowMillis)), bytes(Long.toString(Math.max(1, statusTtlMillis))));
		if (result == null || result.isEmpty() || !(result.get(0) instanceof byte[] outcome)) {
			return "unreadable";
		}
		return string(outcome);
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
		return retryDeadLetters(stream, false, false, group, limit, maxLength);
	}

	/**
	 * Moves dead letters back into the stream or, for jobs of a priority whose lane is
	 * consumed here, into the lane.
	 * @param highLane whether the high-priority lane is consumed
	 * @param lowLane whether the low-priority lane is consumed
	 * @return how many were moved
	 */
	int retryDeadLetters(String stream, boolean highLane, boolean lowLane, @Nullable String group, int limit,
			long maxLength) {
		String streamKey = this.keys.streamKey(stream);
		Long moved = this.redis.evalsha(StreamScripts.RETRY_DEAD_LETTERS, ScriptOutputType.INTEGER,
				keys(streamKey, this.keys.deadLetterKey(stream),
						highLane ? this.keys.streamKey(JobPriority.HIGH.lane(stream)) : streamKey,
						lowLane ? this.keys.streamKey(JobPriority.LOW.lane(stream)) : streamKey),
				bytes(Integer.toString(limit)),
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

	/**
	 * Deletes one dead letter.
	 * @param stream the stream
	 * @param id the dead letter's entry id
	 * @return whether there was one
	 */
	boolean deleteDeadLetter(String stream, String id) {
		Long deleted = this.redis
			.execute((commands) -> commands.xdel(bytes(this.keys.deadLetterKey(stream)), id));
		return deleted != null && deleted > 0;
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

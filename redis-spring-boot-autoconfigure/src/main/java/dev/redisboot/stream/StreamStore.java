package dev.redisboot.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.LettuceCommands.Script;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.models.stream.PendingMessage;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.redisboot.core.redis.RedisCommandException;

/**
 * The Redis side of streams: key names and the commands and scripts that add, move, retry and
 * dead-letter entries. A stream {@code s} and its helper keys share one hash tag, so every
 * script works on Redis Cluster:
 * <ul>
 * <li>{@code [prefix:]stream:{s}}: the stream;</li>
 * <li>{@code [prefix:]stream:{s}:delayed}: a sorted set of entries waiting for their time
 * (delayed jobs, retries), moved into the stream by a script;</li>
 * <li>{@code [prefix:]stream:{s}:dead}: the dead-letter stream;</li>
 * <li>{@code [prefix:]stream:{s}:idempotency:<digest>}: the job id enqueued under an
 * idempotency key; the key itself appears only as its {@link KeyDigester digest}, since
 * applications build idempotency keys from user ids, e-mail addresses and the like.</li>
 * </ul>
 *
 * @author redisboot
 */
public final class StreamStore {

	/** Field with the payload, JSON. */
	public static final String PAYLOAD = "payload";

	/** Field with the attempt number, from 1. */
	public static final String ATTEMPT = "attempt";

	/** Field with a job's type. */
	public static final String TYPE = "type";

	/** Field with a job's id. */
	public static final String JOB = "job";

	/** Field naming the only group an entry is for (retries), absent for all groups. */
	public static final String GROUP = "group";

	/** Field of a dead letter: why it failed. */
	public static final String ERROR = "error";

	/** Field of a dead letter: the id the entry had in the stream. */
	public static final String SOURCE_ID = "source-id";

	/**
	 * Field of a dead letter that was an unreadable member of the delayed set: the member,
	 * cut to 64 KiB.
	 */
	public static final String DELAYED_MEMBER = "delayed-member";

	/** Field of a dead letter: when it was given up, epoch milliseconds. */
	public static final String FAILED_AT = "failed-at";

	/**
	 * Adds an entry now or, with a due time, to the delayed set; with an idempotency key,
	 * only if no entry was added under the key before (then returns the earlier job id). A
	 * record under the idempotency key that is not a job id (garbage, another type) is
	 * replaced, and reported. KEYS: stream, delayed, idempotency key (the stream itself when
	 * unused). ARGV: max length, idempotency TTL in ms ('0' for none), due time in ms ('0'
	 * for now), delayed member, job id, then field/value pairs. Returns {1 or 0 (duplicate),
	 * job id, 1 if an unreadable idempotency record was replaced else 0}.
	 */
	static final Script ENQUEUE = Script.of("""
			local replaced = 0
			if ARGV[2] ~= '0' then
			  local kind = redis.call('TYPE', KEYS[3]).ok
			  if kind == 'string' then
			    local existing = redis.call('GET', KEYS[3])
			    if string.len(existing) == 36 and string.match(existing, '^[%x%-]+$') then return {0, existing, 0} end
			  end
			  if kind ~= 'none' then replaced = 1 end
			end
			if ARGV[3] ~= '0' then
			  redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
			else
			  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 6))
			end
			if ARGV[2] ~= '0' then redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[2]) end
			return {1, ARGV[5], replaced}
			""");

	/**
	 * Moves due entries from the delayed set into the stream, atomically. A member that is
	 * not a JSON array of an even number of strings, or that the stream refuses, goes to the
	 * dead-letter stream with the reason (field {@code error}), the member itself in field
	 * {@code delayed-member} (cut to 64 KiB), so one bad member never holds up the others.
	 * A stream or dead-letter stream key of another type fails the whole call before
	 * anything moves. KEYS: stream, delayed, dead. ARGV: now in ms, max length, most entries
	 * to move, dead-letter max length. Returns {how many moved, how many were
	 * dead-lettered}.
	 */
	static final Script MOVE_DUE = Script.of("""
			for i = 1, 3, 2 do
			  local kind = redis.call('TYPE', KEYS[i]).ok
			  if kind ~= 'none' and kind ~= 'stream' then
			    return redis.error_reply('WRONGTYPE a key of the stream is not a stream: ' .. kind)
			  end
			end
			local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
			local moved, dead = 0, 0
			for _, member in ipairs(due) do
			  local problem = nil
			  local ok, fields = pcall(cjson.decode, member)
			  if not ok or type(fields) ~= 'table' or #fields == 0 or #fields % 2 ~= 0 then
			    problem = 'not a JSON array of field/value pairs'
			  else
			    for i = 1, #fields do
			      if type(fields[i]) ~= 'string' then problem = 'a field or value is not a string' break end
			    end
			  end
			  if problem == nil then
			    local added, failure = pcall(function()
			      return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(fields))
			    end)
			    if not added then
			      problem = 'the stream refused it: ' .. tostring((type(failure) == 'table' and failure.err) or failure)
			    end
			  end
			  if problem == nil then
			    moved = moved + 1
			  else
			    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'error', 'Unreadable delayed entry: ' .. problem,
			      'delayed-member', string.sub(member, 1, 65536), 'attempt', '0', 'failed-at', ARGV[1])
			    dead = dead + 1
			  end
			  redis.call('ZREM', KEYS[2], member)
			end
			return {moved, dead}
			""");

	/**
	 * Acknowledges a failed entry and schedules its retry or adds it to the dead-letter
	 * stream, unless another consumer acknowledged it first; fails without acknowledging when
	 * the delayed set or dead-letter stream has another type, so the entry stays pending and
	 * is reclaimed later. KEYS: stream, delayed, dead.
	 * ARGV: group, entry id, 'retry' or 'dead', due time, delayed member, dead-letter max
	 * length, then the dead letter's field/value pairs. Returns 1, or 0 if it was not
	 * pending.
	 */
	static final Script FAIL = Script.of("""
			-- checked before XACK: a failing write after it would lose the entry (scripts do not roll back)
			local delayed, dead = redis.call('TYPE', KEYS[2]).ok, redis.call('TYPE', KEYS[3]).ok
			if (delayed ~= 'none' and delayed ~= 'zset') or (dead ~= 'none' and dead ~= 'stream') then
			  return redis.error_reply('WRONGTYPE the delayed set or dead-letter stream has another type')
			end
			if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
			if ARGV[3] == 'retry' then
			  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
			else
			  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', unpack(ARGV, 7))
			end
			return 1
			""");

	/**
	 * Moves dead letters back into the stream for another round of attempts; unreadable
	 * members of the delayed set stay (there is nothing to retry). KEYS: stream,
	 * dead. ARGV: most entries, max length, group to limit to ('' for all). Returns how many
	 * moved.
	 */
	static final Script RETRY_DEAD = Script.of("""
			local entries = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', tonumber(ARGV[1]))
			local moved = 0
			for _, entry in ipairs(entries) do
			  local fields = entry[2]
			  local keep = {}
			  local group = ''
			  local unreadable = false
			  for i = 1, #fields, 2 do
			    local name = fields[i]
			    if name == 'group' then group = fields[i + 1] end
			    if name == 'delayed-member' then unreadable = true end
			    if name == 'payload' or name == 'type' or name == 'job' or name == 'group' then
			      table.insert(keep, name)
			      table.insert(keep, fields[i + 1])
			    end
			  end
			  if not unreadable and (ARGV[3] == '' or ARGV[3] == group) then
			    table.insert(keep, 'attempt')
			    table.insert(keep, '1')
			    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(keep))
			    redis.call('XDEL', KEYS[2], entry[1])
			    moved = moved + 1
			  end
			end
			return moved
			""");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final LettuceCommands redis;

	private final RedisKeyNamer keyNamer;

	private final KeyDigester keyDigester;

	/**
	 * Creates a store.
	 * @param redis commands on the application's connection (never blocking ones)
	 * @param keyNamer the key namer
	 * @param keyDigester digests idempotency keys for their key names
	 */
	public StreamStore(LettuceCommands redis, RedisKeyNamer keyNamer, KeyDigester keyDigester) {
		this.redis = redis;
		this.keyNamer = keyNamer;
		this.keyDigester = keyDigester;
	}

	/**
	 * Returns the key of a stream.
	 * @param stream the stream's name
	 * @return the key
	 */
	public String streamKey(String stream) {
		return this.keyNamer.hashTaggedKey("stream", stream);
	}

	String delayedKey(String stream) {
		return this.keyNamer.hashTaggedKey("stream", stream, "delayed");
	}

	/**
	 * Returns the key of a stream's dead-letter stream.
	 * @param stream the stream's name
	 * @return the key
	 */
	public String deadLetterKey(String stream) {
		return this.keyNamer.hashTaggedKey("stream", stream, "dead");
	}

	/**
	 * Returns the Redis key that remembers the job enqueued under an idempotency key: the
	 * idempotency key appears in it only as its digest.
	 * @param stream the stream's name
	 * @param key the idempotency key
	 * @return the Redis key
	 */
	public String idempotencyKey(String stream, String key) {
		return this.keyNamer.hashTaggedKey("stream", stream, "idempotency",
				this.keyDigester.digest("stream-idempotency", key));
	}

	/**
	 * Adds an entry.
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
		args.add((dueAtMillis != 0) ? delayedMember(fields) : new byte[0]);
		args.add(bytes(jobId));
		fields.forEach((name, value) -> {
			args.add(bytes(name));
			args.add(value);
		});
		String stream0 = streamKey(stream);
		List<Object> result = this.redis.evalsha(ENQUEUE, ScriptOutputType.MULTI,
				keys(stream0, delayedKey(stream), (idempotencyKey != null) ? idempotencyKey(stream, idempotencyKey) : stream0),
				args.toArray(byte[][]::new));
		if (result == null || result.size() != 3) {
			throw new IllegalStateException("Unexpected reply to enqueue");
		}
		return new Enqueued(Long.valueOf(1).equals(result.get(0)), string((byte[]) result.get(1)),
				Long.valueOf(1).equals(result.get(2)));
	}

	/**
	 * Adds an entry to a stream.
	 * @param stream the stream
	 * @param fields the fields
	 * @param maxLength approximate length to trim to
	 * @return the entry's id
	 */
	String add(String stream, Map<String, byte[]> fields, long maxLength) {
		Map<byte[], byte[]> body = new LinkedHashMap<>();
		fields.forEach((name, value) -> body.put(bytes(name), value));
		return this.redis.execute((commands) -> commands.xadd(bytes(streamKey(stream)),
				io.lettuce.core.XAddArgs.Builder.maxlen(maxLength).approximateTrimming(), body));
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
		List<Object> result = this.redis.evalsha(MOVE_DUE, ScriptOutputType.MULTI,
				keys(streamKey(stream), delayedKey(stream), deadLetterKey(stream)), bytes(Long.toString(nowMillis)),
				bytes(Long.toString(maxLength)), bytes(Integer.toString(limit)),
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
			this.redis.execute((commands) -> commands.xgroupCreate(XReadArgs.StreamOffset.from(bytes(streamKey(stream)), "0"),
					bytes(group), XGroupCreateArgs.Builder.mkstream()));
		}
		catch (RedisCommandException ex) {
			if (!(ex.getCause() instanceof RedisBusyException)) {
				throw ex;
			}
		}
	}

	boolean ack(String stream, String group, String id) {
		Long acked = this.redis.execute((commands) -> commands.xack(bytes(streamKey(stream)), bytes(group), id));
		return acked != null && acked > 0;
	}

	boolean retry(String stream, String group, String id, long dueAtMillis, Map<String, byte[]> fields) {
		Long done = this.redis.evalsha(FAIL, ScriptOutputType.INTEGER,
				keys(streamKey(stream), delayedKey(stream), deadLetterKey(stream)), bytes(group), bytes(id),
				bytes("retry"), bytes(Long.toString(dueAtMillis)), delayedMember(fields), bytes("0"));
		return done != null && done > 0;
	}

	boolean deadLetter(String stream, String group, String id, Map<String, byte[]> fields, long maxLength) {
		List<byte[]> args = new ArrayList<>(List.of(bytes(group), bytes(id), bytes("dead"), bytes("0"), new byte[0],
				bytes(Long.toString(maxLength))));
		fields.forEach((name, value) -> {
			args.add(bytes(name));
			args.add(value);
		});
		Long done = this.redis.evalsha(FAIL, ScriptOutputType.INTEGER,
				keys(streamKey(stream), delayedKey(stream), deadLetterKey(stream)), args.toArray(byte[][]::new));
		return done != null && done > 0;
	}

	/**
	 * How often an entry has been delivered to a consumer of the group.
	 * @return the count, 0 if it is not pending
	 */
	long deliveries(String stream, String group, String id) {
		List<PendingMessage> pending = this.redis.execute((commands) -> commands.xpending(bytes(streamKey(stream)),
				bytes(group), Range.create(id, id), Limit.from(1)));
		return (pending == null || pending.isEmpty()) ? 0 : pending.get(0).getRedeliveryCount();
	}

	/**
	 * Removes a consumer that holds no pending entries, so that restarted instances do not
	 * pile up consumers.
	 */
	void removeIdleConsumer(String stream, String group, String consumer) {
		io.lettuce.core.models.stream.PendingMessages summary = this.redis
			.execute((commands) -> commands.xpending(bytes(streamKey(stream)), bytes(group)));
		Long own = (summary != null) ? summary.getConsumerMessageCount().get(consumer) : null;
		if (own == null || own == 0) {
			this.redis.execute((commands) -> commands.xgroupDelconsumer(bytes(streamKey(stream)),
					io.lettuce.core.Consumer.from(bytes(group), bytes(consumer))));
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
	public int retryDeadLetters(String stream, @Nullable String group, int limit, long maxLength) {
		Long moved = this.redis.evalsha(RETRY_DEAD, ScriptOutputType.INTEGER,
				keys(streamKey(stream), deadLetterKey(stream)), bytes(Integer.toString(limit)),
				bytes(Long.toString(maxLength)), bytes((group != null) ? group : ""));
		return (moved != null) ? moved.intValue() : 0;
	}

	/**
	 * Reads the backlog of a group.
	 * @param stream the stream
	 * @param group the group
	 * @return the figures
	 */
	public StreamStats stats(String stream, String group) {
		byte[] key = bytes(streamKey(stream));
		List<Object> results = this.redis.execute((commands) -> {
			// a key of the wrong type gives -1 (shown as no value) for its figure, not a failure of all
			var length = commands.xlen(key).toCompletableFuture().exceptionally((ex) -> -1L);
			var groups = commands.xinfoGroups(key).toCompletableFuture().exceptionally((ex) -> List.of());
			var delayed = commands.zcard(bytes(delayedKey(stream))).toCompletableFuture().exceptionally((ex) -> -1L);
			var dead = commands.xlen(bytes(deadLetterKey(stream))).toCompletableFuture().exceptionally((ex) -> -1L);
			return java.util.concurrent.CompletableFuture.allOf(length, groups, delayed, dead)
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
	public Map<String, Map<String, String>> deadLetters(String stream, int limit) {
		List<StreamMessage<byte[], byte[]>> entries = this.redis.execute((commands) -> commands
			.xrange(bytes(deadLetterKey(stream)), Range.create("-", "+"), Limit.from(limit)));
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

	/**
	 * An entry in the delayed set: a JSON array of field/value strings, unique because it
	 * holds the job id or the failed entry's id.
	 */
	static byte[] delayedMember(Map<String, byte[]> fields) {
		List<String> flat = new ArrayList<>();
		fields.forEach((name, value) -> {
			flat.add(name);
			flat.add(string(value));
		});
		return JSON.writeValueAsBytes(flat);
	}

	private static byte[][] keys(String... keys) {
		byte[][] bytes = new byte[keys.length][];
		for (int i = 0; i < keys.length; i++) {
			bytes[i] = bytes(keys[i]);
		}
		return bytes;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static String string(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}

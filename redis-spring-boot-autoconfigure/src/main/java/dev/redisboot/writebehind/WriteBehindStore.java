package dev.redisboot.writebehind;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.LettuceCommands.Script;
import io.lettuce.core.MapScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;

/**
 * The pending values of each write-behind name, a hash {@code [prefix:]writebehind:{name}}
 * with up to five fields per key, each suffixed with the key's digest: {@code v:} the latest
 * value (JSON of the key and the value), {@code n:} its version, {@code t:} when the oldest
 * value not yet written was recorded, {@code q:} when a job was enqueued for the key or last
 * took or touched it (the key's mark), {@code o:} the run of the job that took it (the job's
 * id and a token of the run). Each
 * operation is one script call on the one key ({@code write.lua}, {@code take.lua},
 * {@code touch.lua}, {@code finish.lua}, {@code release.lua}, {@code rearm.lua}), so a write either lands before a
 * job's finish (the job sees the newer version and writes again) or after it (the write
 * enqueues a new job), and a job takes a key only when no other live job has it.
 */
final class WriteBehindStore {

	static final String FEATURE = "writebehind";

	static final Script WRITE = Script.load(WriteBehindStore.class, "write.lua");

	static final Script TAKE = Script.load(WriteBehindStore.class, "take.lua");

	static final Script FINISH = Script.load(WriteBehindStore.class, "finish.lua");

	static final Script TOUCH = Script.load(WriteBehindStore.class, "touch.lua");

	static final Script REARM = Script.load(WriteBehindStore.class, "rearm.lua");

	static final Script RELEASE = Script.load(WriteBehindStore.class, "release.lua");

	private static final byte[] MARKS = ascii("[qt]:*");

	private final LettuceCommands commands;

	private final RedisKeyNamer keyNamer;

	WriteBehindStore(LettuceCommands commands, RedisKeyNamer keyNamer) {
		this.commands = commands;
		this.keyNamer = keyNamer;
	}

	String key(String name) {
		return this.keyNamer.hashTaggedKey(FEATURE, name);
	}

	/**
	 * Records a key's latest value.
	 * @return whether a job must be enqueued, and whether a key of another type was replaced
	 */
	Recorded write(String name, String digest, byte[] entry, long nowMillis, long stuckAfterMillis) {
		List<Object> reply = this.commands.evalsha(WRITE, ScriptOutputType.MULTI, keys(name), ascii(digest), entry,
				ascii(Long.toString(nowMillis)), ascii(Long.toString(stuckAfterMillis)));
		if (reply == null || reply.size() != 2 || !(reply.get(0) instanceof Long enqueue)
				|| !(reply.get(1) instanceof Long replaced)) {
			throw new IllegalStateException("Unexpected reply of the write-behind write script: " + reply);
		}
		return new Recorded(enqueue == 1, replaced == 1);
	}

	/**
	 * Reads a key's latest value and marks the key as taken by a job, unless another job
	 * that is alive (its mark fresher than stuck-after) has it.
	 */
	Taken take(String name, String digest, long nowMillis, String owner, long stuckAfterMillis) {
		List<Object> reply = this.commands.evalsha(TAKE, ScriptOutputType.MULTI, keys(name), ascii(digest),
				ascii(Long.toString(nowMillis)), bytes(owner), ascii(Long.toString(stuckAfterMillis)));
		if (reply == null || reply.size() != 4) {
			throw new IllegalStateException("Unexpected reply of the write-behind take script: " + reply);
		}
		byte[] entry = bytes(reply.get(0));
		return new Taken((entry.length > 0) ? entry : null, text(reply.get(1)), millis(text(reply.get(2))),
				Long.valueOf(1).equals(reply.get(3)));
	}

	/**
	 * Keeps a running job's mark on its key fresh.
	 * @return whether the job still has the key
	 */
	boolean touch(String name, String digest, String owner, long nowMillis) {
		Long kept = this.commands.evalsha(TOUCH, ScriptOutputType.INTEGER, keys(name), ascii(digest), bytes(owner),
				ascii(Long.toString(nowMillis)));
		return kept != null && kept == 1;
	}

	/**
	 * Ends a key's write unless a newer value was recorded.
	 * @return whether the key is done (or another job took it over)
	 */
	boolean finish(String name, String digest, String version, String owner) {
		Long done = this.commands.evalsha(FINISH, ScriptOutputType.INTEGER, keys(name), ascii(digest),
				ascii(version), bytes(owner));
		return done != null && done == 1;
	}

	/**
	 * A job lets go of its key, if it still has it: the mark stays (a retry or the next job
	 * takes the key) unless {@code forGood}, after the last attempt, when the value stays
	 * pending and the key's next write enqueues a job.
	 */
	void release(String name, String digest, String owner, boolean forGood) {
		this.commands.evalsha(RELEASE, ScriptOutputType.INTEGER, keys(name), ascii(digest), bytes(owner),
				ascii(forGood ? "1" : "0"));
	}

	/**
	 * Clears a key's mark, keeping its value, when its job could not be enqueued: the next
	 * write enqueues one.
	 */
	void unmark(String name, String digest) {
		byte[] key = key(name).getBytes(StandardCharsets.UTF_8);
		this.commands.execute((commands) -> commands.hdel(key, ascii("q:" + digest)));
	}

	/**
	 * Re-arms a stuck key if its mark is still the one the sweeper read.
	 * @return whether this call re-armed it (then a job must be enqueued)
	 */
	boolean rearm(String name, String digest, String mark, long nowMillis) {
		Long rearmed = this.commands.evalsha(REARM, ScriptOutputType.INTEGER, keys(name), ascii(digest), bytes(mark),
				ascii(Long.toString(nowMillis)));
		return rearmed != null && rearmed == 1;
	}

	/**
	 * Reads the marks and the oldest-unwritten times of a name's keys ({@code HSCAN} with
	 * {@code MATCH [qt]:*}, pages of {@code count}), never the values.
	 * @return the keys' state
	 */
	Marks marks(String name, int count) {
		byte[] key = key(name).getBytes(StandardCharsets.UTF_8);
		Map<String, String> marks = new HashMap<>();
		long pending = 0;
		long oldest = 0;
		ScanCursor cursor = ScanCursor.INITIAL;
		ScanArgs args = ScanArgs.Builder.matches(MARKS).limit(count);
		do {
			ScanCursor from = cursor;
			MapScanCursor<byte[], byte[]> page = this.commands.execute((commands) -> commands.hscan(key, from, args));
			if (page == null) {
				break;
			}
			for (Map.Entry<byte[], byte[]> field : page.getMap().entrySet()) {
				String fieldName = new String(field.getKey(), StandardCharsets.UTF_8);
				String value = new String(field.getValue(), StandardCharsets.UTF_8);
				if (fieldName.startsWith("q:")) {
					marks.put(fieldName.substring(2), value);
				}
				else {
					pending++;
					long since = millis(value);
					if (since > 0 && (oldest == 0 || since < oldest)) {
						oldest = since;
					}
				}
			}
			cursor = page;
		}
		while (!cursor.isFinished());
		return new Marks(marks, pending, oldest);
	}

	private byte[][] keys(String name) {
		return new byte[][] { key(name).getBytes(StandardCharsets.UTF_8) };
	}

	private static byte[] bytes(@Nullable Object value) {
		return (value instanceof byte[] bytes) ? bytes : new byte[0];
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(@Nullable Object value) {
		return new String(bytes(value), StandardCharsets.UTF_8);
	}

	private static long millis(String text) {
		try {
			return text.isEmpty() ? 0 : Long.parseLong(text);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * What a write did.
	 *
	 * @param enqueue whether no job is queued or running for the key, so one must be enqueued
	 * @param replaced whether a key of another type was replaced
	 */
	record Recorded(boolean enqueue, boolean replaced) {
	}

	/**
	 * What a job took.
	 *
	 * @param entry the latest entry, or {@code null} when nothing is pending
	 * @param version its version, empty when none
	 * @param sinceMillis when the oldest value not yet written was recorded, 0 when unknown
	 * @param busy whether another live job has the key (nothing was taken)
	 */
	record Taken(byte @Nullable [] entry, String version, long sinceMillis, boolean busy) {
	}

	/**
	 * What the sweeper read of a name's keys.
	 *
	 * @param marks each marked key's mark (when a job was enqueued, or last took or touched
	 * it), by digest
	 * @param pending keys with a value not yet written
	 * @param oldestMillis when the oldest of those values was recorded, 0 when none
	 */
	record Marks(Map<String, String> marks, long pending, long oldestMillis) {
	}

}

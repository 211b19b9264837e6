package dev.redisboot.writebehind;

import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.LettuceCommands.Script;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;

/**
 * The pending values of each write-behind name, a hash {@code [prefix:]writebehind:{name}}
 * with four fields per key, each suffixed with the key's digest: {@code v:} the latest value
 * (JSON of the key and the value), {@code n:} its version, {@code t:} when the oldest value
 * not yet written was recorded, {@code q:} when a job was enqueued for the key or last took
 * it. Each operation is one script call on the one key ({@code write.lua}, {@code take.lua},
 * {@code finish.lua}), so a write either lands before a job's finish (the job sees the newer
 * version and writes again) or after it (the write enqueues a new job).
 */
final class WriteBehindStore {

	static final String FEATURE = "writebehind";

	static final Script WRITE = Script.load(WriteBehindStore.class, "write.lua");

	static final Script TAKE = Script.load(WriteBehindStore.class, "take.lua");

	static final Script FINISH = Script.load(WriteBehindStore.class, "finish.lua");

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
	 * Reads a key's latest value and marks the key as taken.
	 */
	Taken take(String name, String digest, long nowMillis) {
		List<Object> reply = this.commands.evalsha(TAKE, ScriptOutputType.MULTI, keys(name), ascii(digest),
				ascii(Long.toString(nowMillis)));
		if (reply == null || reply.size() != 3) {
			throw new IllegalStateException("Unexpected reply of the write-behind take script: " + reply);
		}
		byte[] entry = bytes(reply.get(0));
		return new Taken((entry.length > 0) ? entry : null, text(reply.get(1)), millis(text(reply.get(2))));
	}

	/**
	 * Ends a key's write unless a newer value was recorded.
	 * @return whether the key is done
	 */
	boolean finish(String name, String digest, String version) {
		Long done = this.commands.evalsha(FINISH, ScriptOutputType.INTEGER, keys(name), ascii(digest),
				ascii(version));
		return done != null && done == 1;
	}

	/**
	 * Clears a key's queued marker, keeping its value, so that the next write enqueues a job.
	 */
	void release(String name, String digest) {
		byte[] key = key(name).getBytes(StandardCharsets.UTF_8);
		this.commands.execute((commands) -> commands.hdel(key, ascii("q:" + digest)));
	}

	private byte[][] keys(String name) {
		return new byte[][] { key(name).getBytes(StandardCharsets.UTF_8) };
	}

	private static byte[] bytes(@Nullable Object value) {
		return (value instanceof byte[] bytes) ? bytes : new byte[0];
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
	 */
	record Taken(byte @Nullable [] entry, String version, long sinceMillis) {
	}

}

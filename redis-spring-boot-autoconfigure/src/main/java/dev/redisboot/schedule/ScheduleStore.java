package dev.redisboot.schedule;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.LettuceCommands.Script;
import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;

/**
 * The state of each schedule in Redis, a hash {@code [prefix:]schedule:{name}} with the
 * fields {@code cursor} (the last fire time handled, in epoch ms), {@code last-fire} and
 * {@code last-job} (the last job enqueued and its fire time) and {@code paused}. Each
 * operation is one script call on one key ({@code read.lua}, {@code advance.lua},
 * {@code pause.lua}), which replaces what redisboot never writes.
 */
final class ScheduleStore {

	static final String FEATURE = "schedule";

	static final Script READ = Script.load(ScheduleStore.class, "read.lua");

	static final Script ADVANCE = Script.load(ScheduleStore.class, "advance.lua");

	static final Script PAUSE = Script.load(ScheduleStore.class, "pause.lua");

	private final LettuceCommands commands;

	private final RedisKeyNamer keyNamer;

	ScheduleStore(LettuceCommands commands, RedisKeyNamer keyNamer) {
		this.commands = commands;
		this.keyNamer = keyNamer;
	}

	String key(String name) {
		return this.keyNamer.hashTaggedKey(FEATURE, name);
	}

	/**
	 * Reads a schedule's state.
	 * @throws dev.redisboot.core.redis.RedisCommandException when Redis cannot be asked
	 * @throws IllegalStateException for a reply of another shape
	 */
	State read(String name) {
		List<Object> reply = this.commands.evalsha(READ, ScriptOutputType.MULTI, keys(name));
		if (reply == null || reply.size() != 5 || !(reply.get(4) instanceof Long replaced)) {
			throw new IllegalStateException("Unexpected reply of the schedule read script: " + reply);
		}
		return new State(instant(reply.get(0)), instant(reply.get(1)), text(reply.get(2)),
				"1".equals(text(reply.get(3))), replaced == 1);
	}

	/**
	 * Moves the cursor forward and records a job.
	 * @param cursor the new cursor, or {@code null} to leave it
	 * @param fired the fire time of a job enqueued, or {@code null}
	 * @param jobId the job's id, or {@code null}
	 * @return whether the cursor moved, and whether hostile state was replaced
	 */
	Advanced advance(String name, @Nullable Instant cursor, @Nullable Instant fired, @Nullable String jobId) {
		List<Object> reply = this.commands.evalsha(ADVANCE, ScriptOutputType.MULTI, keys(name), millis(cursor),
				millis(fired), ascii((jobId != null) ? jobId : ""));
		if (reply == null || reply.size() != 2 || !(reply.get(0) instanceof Long moved)
				|| !(reply.get(1) instanceof Long replaced)) {
			throw new IllegalStateException("Unexpected reply of the schedule advance script: " + reply);
		}
		return new Advanced(moved == 1, replaced == 1);
	}

	/**
	 * Sets or clears the paused flag.
	 * @return whether it changed, and whether hostile state was replaced
	 */
	Advanced pause(String name, boolean paused) {
		List<Object> reply = this.commands.evalsha(PAUSE, ScriptOutputType.MULTI, keys(name),
				ascii(paused ? "1" : "0"));
		if (reply == null || reply.size() != 2 || !(reply.get(0) instanceof Long changed)
				|| !(reply.get(1) instanceof Long replaced)) {
			throw new IllegalStateException("Unexpected reply of the schedule pause script: " + reply);
		}
		return new Advanced(changed == 1, replaced == 1);
	}

	private byte[][] keys(String name) {
		return new byte[][] { key(name).getBytes(StandardCharsets.UTF_8) };
	}

	private static byte[] millis(@Nullable Instant instant) {
		return ascii((instant != null) ? Long.toString(instant.toEpochMilli()) : "");
	}

	private static @Nullable Instant instant(@Nullable Object value) {
		String text = text(value);
		return (text != null) ? Instant.ofEpochMilli(Long.parseLong(text)) : null;
	}

	private static @Nullable String text(@Nullable Object value) {
		if (value instanceof byte[] bytes && bytes.length > 0) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return null;
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * A schedule's state as read.
	 *
	 * @param cursor the last fire time handled by any instance, or {@code null}
	 * @param lastFire the fire time of the last job enqueued, or {@code null}
	 * @param lastJobId the last job's id, or {@code null}
	 * @param paused whether the schedule is paused
	 * @param replaced whether something redisboot never writes was replaced
	 */
	record State(@Nullable Instant cursor, @Nullable Instant lastFire, @Nullable String lastJobId, boolean paused,
			boolean replaced) {
	}

	/**
	 * The outcome of a change.
	 *
	 * @param changed whether the cursor moved forward or the flag changed
	 * @param replaced whether something redisboot never writes was replaced
	 */
	record Advanced(boolean changed, boolean replaced) {
	}

}

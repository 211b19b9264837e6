package dev.redisboot.stream;


import dev.redisboot.core.redis.LettuceCommands.Script;

/**
 * The Lua scripts of streams, loaded once from {@code dev/redisboot/stream/*.lua} (each file
 * says what its keys and arguments are) and run with {@code EVALSHA}. A stream and its helper
 * keys share one hash tag, so every script works on Redis Cluster.
 *
 * @author redisboot
 */
final class StreamScripts {

	/** Adds an entry now or delayed, at most once per idempotency key. */
	static final Script ENQUEUE = Script.load(StreamScripts.class, "enqueue.lua");

	/** Moves due entries from the delayed set into the stream, dead-lettering unreadable ones. */
	static final Script MOVE_DUE = Script.load(StreamScripts.class, "move-due.lua");

	/** Acknowledges a failed entry and schedules its retry or dead-letters it. */
	static final Script FAIL = Script.load(StreamScripts.class, "fail.lua");

	/** Marks a job running, or acknowledges it without running when it was cancelled. */
	static final Script JOB_START = Script.load(StreamScripts.class, "job-start.lua");

	/** Acknowledges a job whose handler returned and writes its final state. */
	static final Script JOB_COMPLETE = Script.load(StreamScripts.class, "job-complete.lua");

	/** Cancels a waiting job or flags a running one. */
	static final Script JOB_CANCEL = Script.load(StreamScripts.class, "job-cancel.lua");

	/** Moves dead letters back into the stream. */
	static final Script RETRY_DEAD_LETTERS = Script.load(StreamScripts.class, "retry-dead-letters.lua");

	private StreamScripts() {
	}

}

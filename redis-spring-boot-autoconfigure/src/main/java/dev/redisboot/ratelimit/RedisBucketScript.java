package dev.redisboot.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.LettuceCommands.Script;
import io.lettuce.core.ScriptOutputType;

/**
 * Decides on buckets in Redis with one Lua script per decision ({@code decide.lua}, run by
 * {@code EVALSHA}): the script reads the bucket, refills it from the server's clock, takes one
 * request from every limit or from none, and writes it back, atomically. One round trip per
 * decision at any concurrency, in one instance or many, with no compare-and-swap to lose and
 * no bucket state in the JVM.
 * <p>
 * The limits travel as arguments of every call and the stored state holds only how much of
 * each is used, so a changed rule applies to live buckets and nothing written to Redis can
 * raise a limit. A key that holds no usable state (garbage, another Redis type) is replaced by
 * a fresh bucket in the same script, and the outcome says so.
 */
final class RedisBucketScript {

	static final Script DECIDE = Script.of(load("decide.lua"));

	private final LettuceCommands commands;

	// the script's arguments per list of limits: rules have few, and their lists are shared
	private final Map<List<Limit>, byte[][]> arguments = new ConcurrentHashMap<>();

	RedisBucketScript(LettuceCommands commands) {
		this.commands = commands;
	}

	/**
	 * Takes one request from a bucket.
	 * @param key the bucket's key
	 * @param limits the limits of the bucket
	 * @return the outcome
	 * @throws dev.redisboot.core.redis.RedisCommandException when Redis is unavailable or
	 * refuses the script
	 */
	Outcome consume(byte[] key, List<Limit> limits) {
		byte[][] args = this.arguments.computeIfAbsent(limits, RedisBucketScript::arguments);
		List<Object> result = this.commands.evalsha(DECIDE, ScriptOutputType.MULTI, new byte[][] { key }, args);
		if (result == null || result.size() < 5) {
			throw new IllegalStateException("Unexpected reply of the rate-limit script");
		}
		return new Outcome(number(result.get(0)) == 1, number(result.get(1)), number(result.get(2)),
				number(result.get(3)), number(result.get(4)) == 1);
	}

	private static long number(Object value) {
		if (value instanceof Long number) {
			return number;
		}
		throw new IllegalStateException("Unexpected reply of the rate-limit script");
	}

	static byte[][] arguments(List<Limit> limits) {
		byte[][] args = new byte[limits.size() * 3][];
		for (int i = 0; i < limits.size(); i++) {
			Limit limit = limits.get(i);
			args[3 * i] = ascii(Long.toString(limit.capacity()));
			args[3 * i + 1] = ascii(Long.toString(limit.period().toMillis()));
			args[3 * i + 2] = ascii((limit.refill() == Limit.Refill.INTERVALLY) ? "i" : "g");
		}
		return args;
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static String load(String name) {
		try (InputStream input = RedisBucketScript.class.getResourceAsStream(name)) {
			if (input == null) {
				throw new IllegalStateException("Missing " + name);
			}
			return new String(input.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The outcome of one decision.
	 *
	 * @param allowed whether a request was taken from every limit
	 * @param remaining requests left (the least of all limits)
	 * @param millisUntilFull ms until every limit is full again
	 * @param millisUntilAllowed for a rejected request, ms until one is allowed again
	 * @param badStateReplaced whether the key held no usable state and a fresh bucket
	 * replaced it
	 */
	record Outcome(boolean allowed, long remaining, long millisUntilFull, long millisUntilAllowed,
			boolean badStateReplaced) {

	}

}

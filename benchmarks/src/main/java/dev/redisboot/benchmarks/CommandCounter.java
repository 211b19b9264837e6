package dev.redisboot.benchmarks;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;

/**
 * Counts Redis commands the two ways the benchmarks do: on the server, from
 * {@code INFO commandstats} readings before and after (their differences, per operation
 * with {@link BenchmarkDeployment#perOperation}), and on a client, with a Lettuce
 * {@link CommandListener} that counts every command it starts (its round trips).
 *
 * @author redisboot
 */
final class CommandCounter {

	private static final String PREFIX = "cmdstat_";

	private CommandCounter() {
	}

	/**
	 * Calls of every command a Redis server has run so far, from {@code INFO commandstats}
	 * (which counts the {@code INFO} that asks, too).
	 * @param lettuce a connection to the server
	 * @return calls by command (lower case, subcommands as {@code client|setinfo})
	 */
	static Map<String, Long> calls(RedisCommands<byte[], byte[]> lettuce) {
		return calls(lettuce.info("commandstats"));
	}

	/**
	 * Calls by command from the text of {@code INFO commandstats}.
	 * @param commandstats the text
	 * @return calls by command, summed if a command occurs twice
	 */
	static Map<String, Long> calls(String commandstats) {
		Map<String, Long> calls = new TreeMap<>();
		callsAndMicros(commandstats).forEach((command, stats) -> calls.put(command, stats[0]));
		return calls;
	}

	/**
	 * Calls and the server's time by command from the text of {@code INFO commandstats}.
	 * @param commandstats the text
	 * @return {@code [calls, usec]} by command, summed if a command occurs twice
	 */
	static Map<String, long[]> callsAndMicros(String commandstats) {
		Map<String, long[]> stats = new TreeMap<>();
		for (String line : commandstats.split("\r?\n")) {
			if (!line.startsWith(PREFIX)) {
				continue;
			}
			int colon = line.indexOf(':');
			long[] sums = stats.computeIfAbsent(line.substring(PREFIX.length(), colon), (command) -> new long[2]);
			for (String field : line.substring(colon + 1).split(",")) {
				String[] pair = field.split("=", 2);
				if (pair[0].equals("calls")) {
					sums[0] += Long.parseLong(pair[1]);
				}
				else if (pair[0].equals("usec")) {
					sums[1] += Long.parseLong(pair[1]);
				}
			}
		}
		return stats;
	}

	/**
	 * Calls of one command, or of all, that a Redis server has run so far.
	 * @param lettuce a connection to the server
	 * @param command the command in lower case, such as {@code get}, or {@code null} for all
	 * (the {@code INFO} that counts them included)
	 * @return the number of calls
	 */
	static long total(RedisCommands<byte[], byte[]> lettuce, String command) {
		Map<String, Long> calls = calls(lettuce);
		return (command != null) ? calls.getOrDefault(command, 0L)
				: calls.values().stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * The counts that changed from one reading to the next.
	 * @param after the later counts
	 * @param before the earlier counts
	 * @return the non-zero differences, by command
	 */
	static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
		Map<String, Long> difference = new TreeMap<>();
		after.forEach((command, calls) -> {
			long delta = calls - before.getOrDefault(command, 0L);
			if (delta != 0) {
				difference.put(command, delta);
			}
		});
		return difference;
	}

	/**
	 * A Lettuce listener that counts every command a client starts.
	 * @param counter the count to add to
	 * @return the listener
	 */
	static CommandListener counting(AtomicLong counter) {
		return new CommandListener() {

			@Override
			public void commandStarted(CommandStartedEvent event) {
				counter.incrementAndGet();
			}

		};
	}

}

package dev.redisboot.actuate;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One entry of a server's slow log. Only the command's name and first argument (usually its
 * key) are kept: values and other arguments, which may hold personal data or secrets, are
 * dropped.
 *
 * @param node the node that logged it
 * @param id the entry's id on that node
 * @param time when the command ran
 * @param durationMicros how long it took, in microseconds
 * @param command the command's name, upper case
 * @param firstArgument its first argument, or {@code null}
 * @param arguments how many arguments it had
 * @param client the client's address, or {@code null}
 * @author redisboot
 */
public record SlowlogEntry(String node, long id, Instant time, long durationMicros, String command,
		@Nullable String firstArgument, int arguments, @Nullable String client) {

}

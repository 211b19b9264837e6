package dev.redisboot.stream;

/**
 * The backlog of one consumer group of a stream.
 *
 * @param stream the stream's name
 * @param group the group
 * @param length entries in the stream (processed ones included, until trimmed)
 * @param pending entries delivered to a consumer and not yet acknowledged
 * @param lag entries not yet delivered to the group, {@code -1} if Redis cannot tell
 * @param delayed entries waiting for their time (delayed jobs and retries)
 * @param deadLetters entries in the dead-letter stream
 * @author redisboot
 */
public record StreamStats(String stream, String group, long length, long pending, long lag, long delayed,
		long deadLetters) {

}

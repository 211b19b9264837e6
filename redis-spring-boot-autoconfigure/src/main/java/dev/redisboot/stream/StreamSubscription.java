package dev.redisboot.stream;

/**
 * A consumer group's subscription to a stream, run by a {@link StreamListenerContainer}.
 *
 * @param name a short name for threads and logs, such as the listener method's
 * @param stream the stream's name
 * @param group the consumer group
 * @param concurrency how many consumers this instance runs
 * @param settings how entries are read, retried, reclaimed and trimmed
 * @param handler what processes each entry
 * @author redisboot
 */
public record StreamSubscription(String name, String stream, String group, int concurrency, StreamSettings settings,
		StreamHandler handler) {

}

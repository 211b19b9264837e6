package dev.redisboot.stream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import static dev.redisboot.stream.StreamFields.bytes;
import static dev.redisboot.stream.StreamFields.string;

/**
 * What happens to one entry of a {@link StreamSubscription}: its handler runs; returning
 * acknowledges the entry; an exception schedules a retry after the subscription's back-off
 * or, after the last attempt or at once for an {@link UnprocessableEntryException}, moves it
 * to the dead-letter stream with the error. A retry is a new entry that names its group, so
 * the stream's other groups do not see it again.
 *
 * @author redisboot
 */
final class StreamEntryProcessor {

	private static final Log logger = LogFactory.getLog(StreamEntryProcessor.class);

	private static final int MAX_ERROR_LENGTH = 1000;

	private final StreamSubscription subscription;

	private final ConsumerContext context;

	StreamEntryProcessor(StreamSubscription subscription, ConsumerContext context) {
		this.subscription = subscription;
		this.context = context;
	}

	/**
	 * Hands an entry to the handler and acknowledges, retries or dead-letters it.
	 * @param id the entry's id
	 * @param body the entry
	 */
	void process(String id, Map<byte[], byte[]> body) {
		Map<String, byte[]> fields = StreamFields.of(body);
		String stream = this.subscription.stream();
		String group = this.subscription.group();
		byte[] target = fields.get(StreamFields.GROUP);
		if (target != null && !string(target).equals(group)) {
			this.context.store().ack(stream, group, id); // a retry meant for another group of this stream
			return;
		}
		int attempt = StreamFields.attempt(fields);
		long started = System.nanoTime();
		try {
			byte[] job = fields.get(StreamFields.JOB);
			this.subscription.handler()
				.handle(fields, new StreamDelivery(stream, group, id, attempt, (job != null) ? string(job) : null));
		}
		catch (UnprocessableEntryException ex) {
			deadLetter(id, fields, attempt, describe(ex), started);
			return;
		}
		catch (Throwable ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			if (!this.context.isRunning() && Thread.currentThread().isInterrupted()) {
				// stopped while the handler ran: leave the entry pending for another consumer to reclaim
				logger.warn("Entry " + id + " of stream '" + stream + "' was interrupted by shutdown; it stays pending "
						+ "and another consumer will reclaim it after " + this.subscription.settings().reclaimIdle());
				return;
			}
			failed(id, fields, attempt, ex, started);
			return;
		}
		this.context.store().ack(stream, group, id);
		this.context.metrics().handled(stream, group, "processed", Duration.ofNanos(System.nanoTime() - started));
	}

	/**
	 * Moves an entry that was delivered more often than the attempts allow to the
	 * dead-letter stream without running the handler: its consumers died (or took longer
	 * than the reclaim idle time) each time.
	 * @param id the entry's id
	 * @param body the entry
	 * @param deliveries how often it was delivered
	 */
	void abandon(String id, Map<byte[], byte[]> body, long deliveries) {
		Map<String, byte[]> fields = StreamFields.of(body);
		deadLetter(id, fields, StreamFields.attempt(fields), "Abandoned " + (deliveries - 1)
				+ " times: its consumers died or took longer than " + this.subscription.settings().reclaimIdle()
				+ " each time", 0);
	}

	private void failed(String id, Map<String, byte[]> fields, int attempt, Throwable ex, long started) {
		StreamSettings settings = this.subscription.settings();
		String stream = this.subscription.stream();
		String group = this.subscription.group();
		if (attempt >= settings.maxAttempts()) {
			deadLetter(id, fields, attempt, describe(ex), started);
			return;
		}
		Duration backoff = settings.backoff(attempt);
		Map<String, byte[]> retry = new LinkedHashMap<>(fields);
		retry.put(StreamFields.ATTEMPT, bytes(Integer.toString(attempt + 1)));
		retry.put(StreamFields.GROUP, bytes(group));
		retry.put(StreamFields.RETRY_OF, bytes(id));
		this.context.store().retry(stream, group, id, System.currentTimeMillis() + backoff.toMillis(), retry);
		this.context.metrics().handled(stream, group, "retried", Duration.ofNanos(System.nanoTime() - started));
		this.context.warnOnce()
			.warn("failed:" + this.subscription.name() + ":" + ex.getClass().getName(),
					"Entry " + id + " of stream '" + stream + "' failed in group '" + group + "' (attempt " + attempt
							+ " of " + settings.maxAttempts() + "), retrying in " + backoff + ": " + ex,
					ex);
	}

	/**
	 * Moves an entry to the dead-letter stream.
	 * @param started when the handler started ({@link System#nanoTime()}), or 0 if it did
	 * not run
	 */
	private void deadLetter(String id, Map<String, byte[]> fields, int attempt, String error, long started) {
		String stream = this.subscription.stream();
		String group = this.subscription.group();
		Map<String, byte[]> letter = new LinkedHashMap<>(fields);
		letter.remove(StreamFields.RETRY_OF);
		letter.put(StreamFields.GROUP, bytes(group));
		letter.put(StreamFields.ATTEMPT, bytes(Integer.toString(attempt)));
		letter.put(StreamFields.ERROR, bytes(error));
		letter.put(StreamFields.SOURCE_ID, bytes(id));
		letter.put(StreamFields.FAILED_AT, bytes(Long.toString(System.currentTimeMillis())));
		this.context.store().deadLetter(stream, group, id, letter, this.subscription.settings().deadLetterMaxLength());
		long now = System.nanoTime();
		this.context.metrics()
			.handled(stream, group, "dead-lettered", Duration.ofNanos(now - ((started != 0) ? started : now)));
		this.context.warnOnce()
			.warn("dead:" + this.subscription.name(), "Entry " + id + " of stream '" + stream
					+ "' moved to the dead-letter stream after attempt " + attempt + ": " + error, null);
	}

	private static String describe(Throwable ex) {
		String text = ex.getClass().getName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
		return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) : text;
	}

}

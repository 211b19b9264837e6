package dev.redisboot.stream;

import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Where an entry handed to a {@link RedisStreamListener} method or a job handler came from.
 *
 * @param stream the stream's name
 * @param group the consumer group
 * @param id the entry's id in the stream (a retry is a new entry with a new id)
 * @param attempt the attempt, 1 for the first
 * @param jobId the job's id as {@link JobQueue} returned it, the same on every attempt (use it
 * to make a handler idempotent); {@code null} for entries that are not jobs
 * @param cancellation whether the job was cancelled while it runs ({@link #isCancelled()})
 * @author redisboot
 */
public record StreamDelivery(String stream, String group, String id, int attempt, @Nullable String jobId,
		BooleanSupplier cancellation) {

	private static final BooleanSupplier NEVER = () -> false;

	/**
	 * Creates a delivery that is never cancelled.
	 * @param stream the stream's name
	 * @param group the consumer group
	 * @param id the entry's id
	 * @param attempt the attempt, 1 for the first
	 * @param jobId the job's id, or {@code null}
	 */
	public StreamDelivery(String stream, String group, String id, int attempt, @Nullable String jobId) {
		this(stream, group, id, attempt, jobId, NEVER);
	}

	/**
	 * Returns whether {@link JobQueue#cancel} was called for this job while it runs: a
	 * long-running handler checks it between steps and returns (or throws) when it is true;
	 * the job then ends {@link JobState#CANCELLED} and is not retried. A job's delivery reads
	 * its status record (one {@code HGET}) at most every 200 ms, answering from the last read
	 * in between; once true, it stays true without reading again. Always false for entries that are not tracked jobs, and when the record
	 * cannot be read.
	 * @return whether the job was cancelled
	 */
	public boolean isCancelled() {
		return this.cancellation.getAsBoolean();
	}

}

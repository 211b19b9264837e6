package dev.redisboot.stream;

/**
 * What {@link JobQueue#cancel} did.
 *
 * @author redisboot
 */
public enum CancelOutcome {

	/**
	 * The job was waiting (queued, scheduled or retrying): it will not run, its unique key is
	 * released, and its state is {@link JobState#CANCELLED}.
	 */
	CANCELLED,

	/**
	 * The job is running: it is flagged, and its handler sees the flag through
	 * {@link StreamDelivery#isCancelled()}. Stopping is up to the handler (cooperative); if it
	 * returns after it saw the flag, or throws, the job ends {@link JobState#CANCELLED} and is
	 * not retried.
	 */
	REQUESTED,

	/**
	 * The job had finished already (done, dead or cancelled): nothing changed.
	 */
	ALREADY_FINISHED,

	/**
	 * No status record for the id: never enqueued here, enqueued without status tracking, or
	 * finished longer ago than {@code redisboot.jobs.status-ttl}; or the record is unreadable
	 * (counted as {@code redisboot.stream.faults{cause=job-status}}).
	 */
	NOT_FOUND

}

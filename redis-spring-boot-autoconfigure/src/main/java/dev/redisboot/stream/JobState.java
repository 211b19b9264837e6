package dev.redisboot.stream;

/**
 * Where a job enqueued with {@link JobQueue} stands, as {@link JobQueue#status} reports it.
 *
 * @author redisboot
 */
public enum JobState {

	/** In the jobs stream, waiting for a free handler. */
	QUEUED,

	/** Delayed: waiting in the delayed set for its time. */
	SCHEDULED,

	/** A handler runs it. */
	RUNNING,

	/** Its last attempt failed; it waits for its next attempt. */
	RETRYING,

	/** Its handler returned. */
	DONE,

	/** Its last attempt failed (or it could never run); it is in the dead-letter stream. */
	DEAD,

	/** Cancelled with {@link JobQueue#cancel} before it ran, or while it ran and its handler stopped. */
	CANCELLED;

	/**
	 * Returns whether the job will not change any more.
	 * @return whether it is done, dead or cancelled
	 */
	public boolean isFinished() {
		return this == DONE || this == DEAD || this == CANCELLED;
	}

}

package dev.redisboot.stream;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A job's status, from its status record in Redis ({@link StreamKeys#jobStatusKey}): written
 * by the scripts that enqueue, start, acknowledge and fail the job, and kept for
 * {@code redisboot.jobs.status-ttl} after it finished. Never holds the payload.
 *
 * @param jobId the job's id
 * @param state where the job stands
 * @param type the job type
 * @param attempts attempts started so far, 0 while it has not run
 * @param enqueuedAt when it was enqueued, {@code null} if the record was lost and written again
 * by a later step
 * @param updatedAt when the record last changed
 * @param dueAt when a {@link JobState#SCHEDULED scheduled} or {@link JobState#RETRYING retrying}
 * job is due, else {@code null}
 * @param lastError the last failure of a {@link JobState#RETRYING retrying} or
 * {@link JobState#DEAD dead} job: the exception's class and message, cut to 1,000 characters;
 * else {@code null}
 * @param cancelRequested whether {@link JobQueue#cancel} flagged it while it ran
 * @author redisboot
 */
public record JobStatus(String jobId, JobState state, String type, int attempts, @Nullable Instant enqueuedAt,
		Instant updatedAt, @Nullable Instant dueAt, @Nullable String lastError, boolean cancelRequested) {

}

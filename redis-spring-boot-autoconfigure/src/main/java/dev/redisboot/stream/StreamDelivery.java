package dev.redisboot.stream;

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
 * @author redisboot
 */
public record StreamDelivery(String stream, String group, String id, int attempt, @Nullable String jobId) {

}

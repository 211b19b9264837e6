/**
 * Background work on Redis Streams: {@code @RedisStreamListener} consumers with retries,
 * dead letters and reclaim, and a small job queue on top.
 * <p>
 * API, what an application uses or replaces:
 * <ul>
 * <li>{@link dev.redisboot.stream.RedisStreamListener @RedisStreamListener} and
 * {@link dev.redisboot.stream.JobHandler @JobHandler} methods, which take the payload and
 * optionally a {@link dev.redisboot.stream.StreamDelivery}, and may throw
 * {@link dev.redisboot.stream.UnprocessableEntryException};</li>
 * <li>the publishers: {@link dev.redisboot.stream.JobQueue} and
 * {@link dev.redisboot.stream.StreamPublisher};</li>
 * <li>job control: {@link dev.redisboot.stream.JobStatus} and
 * {@link dev.redisboot.stream.JobState} ({@code JobQueue.status}),
 * {@link dev.redisboot.stream.CancelOutcome} ({@code JobQueue.cancel}),
 * {@link dev.redisboot.stream.JobPriority} and {@link dev.redisboot.stream.JobLimits}
 * ({@code redisboot.jobs.types.*});</li>
 * <li>{@link dev.redisboot.stream.StreamListenerContainer}, with
 * {@link dev.redisboot.stream.StreamSubscription}, {@link dev.redisboot.stream.StreamHandler}
 * and {@link dev.redisboot.stream.StreamSettings} for handlers an application registers
 * itself (through a {@code StreamListenerContainerCustomizer});</li>
 * <li>{@link dev.redisboot.stream.StreamKeys}, where each stream lives in Redis;</li>
 * <li>{@link dev.redisboot.stream.StreamMetrics}, an SPI with
 * {@link dev.redisboot.stream.StreamStats}, and the {@code streams} endpoint
 * ({@link dev.redisboot.stream.StreamsEndpoint}).</li>
 * </ul>
 * {@code StreamStore}, {@code JsonPayloads}, {@code StreamListenerRegistrar} and
 * {@code MicrometerStreamMetrics} are public for the auto-configuration only; everything else
 * (the consumers' loop {@code StreamWorker}, {@code StreamEntryProcessor},
 * {@code DueEntryMover}, {@code JobDispatcher}, {@code JobCancellation}, the Lua scripts in
 * {@code dev/redisboot/stream/*.lua}) is
 * package-private.
 */
@NullMarked
package dev.redisboot.stream;

import org.jspecify.annotations.NullMarked;

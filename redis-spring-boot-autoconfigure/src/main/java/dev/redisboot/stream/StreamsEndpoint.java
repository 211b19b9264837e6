package dev.redisboot.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code streams} Actuator endpoint: backlog of every stream consumed here (pending,
 * lag, delayed, dead letters), the dead letters of one stream (without their payloads), and
 * a write operation that moves dead letters back for another round of attempts; for the jobs
 * stream, a job's status ({@code GET /actuator/streams/jobs/<job id>}) and its cancellation
 * (a write operation on the same path), and the deletion of one dead letter
 * ({@code DELETE /actuator/streams/<stream>/dead-letters/<entry id>}). Like every
 * endpoint but health, it is not exposed over HTTP unless listed in
 * {@code management.endpoints.web.exposure.include}; its write and delete operations are
 * off unless {@code management.endpoint.streams.access=unrestricted}.
 *
 * @author redisboot
 */
@Endpoint(id = "streams", defaultAccess = Access.READ_ONLY)
public class StreamsEndpoint {

	private static final Pattern STREAM_ID = Pattern.compile("[0-9]{1,20}-[0-9]{1,20}");

	private final StreamListenerContainer container;

	private final StreamStore store;

	private final long maxLength;

	private final @Nullable JobQueue jobs;

	/**
	 * Creates the endpoint.
	 * @param container the container, whose subscriptions are listed
	 * @param store the Redis side
	 * @param maxLength approximate length streams are trimmed to when dead letters move back
	 */
	public StreamsEndpoint(StreamListenerContainer container, StreamStore store, long maxLength) {
		this(container, store, maxLength, null);
	}

	/**
	 * Creates the endpoint, with status lookup and cancellation of jobs.
	 * @param container the container, whose subscriptions are listed
	 * @param store the Redis side
	 * @param maxLength approximate length streams are trimmed to when dead letters move back
	 * @param jobs the job queue, or {@code null}
	 */
	public StreamsEndpoint(StreamListenerContainer container, StreamStore store, long maxLength,
			@Nullable JobQueue jobs) {
		this.container = container;
		this.store = store;
		this.maxLength = maxLength;
		this.jobs = jobs;
	}

	/**
	 * Lists the backlog of every stream and group consumed by this instance.
	 * @return the figures
	 */
	@ReadOperation
	public List<StreamStats> streams() {
		Set<String> seen = new LinkedHashSet<>();
		List<StreamStats> stats = new ArrayList<>();
		for (StreamSubscription subscription : this.container.getSubscriptions()) {
			if (seen.add(subscription.stream() + '\n' + subscription.group())) {
				StreamStats figures = this.store.stats(subscription.stream(), subscription.group());
				// the gauges get the same figures, so that they agree with what the endpoint shows
				this.container.statsRead(figures);
				stats.add(figures);
			}
		}
		return stats;
	}

	/**
	 * Shows one stream: the backlog of its groups and its oldest dead letters, without
	 * payloads.
	 * @param stream the stream's name
	 * @return the description
	 */
	@ReadOperation
	public Map<String, Object> stream(@Selector String stream) {
		List<StreamStats> groups = new ArrayList<>();
		for (StreamSubscription subscription : this.container.getSubscriptions()) {
			if (subscription.stream().equals(stream)
					&& groups.stream().noneMatch((g) -> g.group().equals(subscription.group()))) {
				StreamStats figures = this.store.stats(stream, subscription.group());
				this.container.statsRead(figures);
				groups.add(figures);
			}
		}
		Map<String, Map<String, String>> letters = this.store.deadLetters(stream, 20);
		letters.values().forEach((fields) -> {
			fields.remove(StreamFields.PAYLOAD);
			fields.remove(StreamFields.DELAYED_MEMBER); // an unreadable delayed entry, payload included
		});
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("groups", groups);
		description.put("deadLetters", letters);
		return description;
	}

	/**
	 * Moves dead letters back into their stream, each with its attempts counted afresh; a
	 * job of a priority whose lane this instance reads goes back into its lane.
	 * @param stream the stream's name
	 * @param group only this group's dead letters, or all if {@code null}
	 * @param limit most entries, 100 if {@code null}
	 * @return how many were moved
	 */
	@WriteOperation
	public Map<String, Integer> retryDeadLetters(@Selector String stream, @Nullable String group,
			@Nullable Integer limit) {
		boolean high = consumed(JobPriority.HIGH.lane(stream));
		boolean low = consumed(JobPriority.LOW.lane(stream));
		int moved = this.store.retryDeadLetters(stream, high, low, group, (limit != null) ? limit : 100,
				this.maxLength);
		return Map.of("retried", moved);
	}

	private boolean consumed(String stream) {
		return this.container.getSubscriptions().stream().anyMatch((subscription) -> subscription.stream().equals(stream));
	}

	/**
	 * Shows a job's status ({@link JobQueue#status}): state, type, attempts, times and the
	 * last failure of a retrying or dead job, never its payload.
	 * @param stream the jobs stream's name
	 * @param jobId the job's id
	 * @return the status, or {@code null} (404) when there is none
	 */
	@ReadOperation
	public @Nullable JobStatus job(@Selector String stream, @Selector String jobId) {
		JobQueue queue = this.jobs;
		if (queue == null || !queue.getStream().equals(stream)) {
			return null;
		}
		return queue.status(jobId).orElse(null);
	}

	/**
	 * Cancels a job ({@link JobQueue#cancel}): a waiting job will not run, a running one is
	 * flagged for its handler.
	 * @param stream the jobs stream's name
	 * @param jobId the job's id
	 * @return the outcome ({@code CANCELLED}, {@code REQUESTED}, {@code ALREADY_FINISHED},
	 * {@code NOT_FOUND}, or {@code FAILED} with the Redis error's class when Redis refused)
	 */
	@WriteOperation
	public Map<String, String> cancel(@Selector String stream, @Selector String jobId) {
		JobQueue queue = this.jobs;
		if (queue == null || !queue.getStream().equals(stream)) {
			return Map.of("outcome", CancelOutcome.NOT_FOUND.name());
		}
		try {
			return Map.of("outcome", queue.cancel(jobId).name());
		}
		catch (RuntimeException ex) {
			return Map.of("outcome", "FAILED", "error", ex.getClass().getSimpleName());
		}
	}

	/**
	 * Deletes one dead letter of a stream, for good (a poison message that retrying will not
	 * cure).
	 * @param stream the stream's name
	 * @param section must be {@code dead-letters}
	 * @param id the dead letter's entry id, as {@link #stream} lists it
	 * @return {@code deleted} (1), or {@code deleted} 0 and {@code error} (the Redis error's
	 * class) when Redis refused, or {@code null} (404) when there is no such dead letter
	 */
	@DeleteOperation
	public @Nullable Map<String, Object> deleteDeadLetter(@Selector String stream, @Selector String section,
			@Selector String id) {
		if (!"dead-letters".equals(section) || !STREAM_ID.matcher(id).matches()) {
			return null;
		}
		try {
			return (this.store.deleteDeadLetter(stream, id)) ? Map.of("deleted", 1) : null;
		}
		catch (RuntimeException ex) {
			return Map.of("deleted", 0, "error", ex.getClass().getSimpleName());
		}
	}

}

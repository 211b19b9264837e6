package dev.redisboot.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code streams} Actuator endpoint: backlog of every stream consumed here (pending,
 * lag, delayed, dead letters), the dead letters of one stream (without their payloads), and
 * a write operation that moves dead letters back for another round of attempts. Like every
 * endpoint but health, it is not exposed over HTTP unless listed in
 * {@code management.endpoints.web.exposure.include}.
 *
 * @author redisboot
 */
@Endpoint(id = "streams")
public class StreamsEndpoint {

	private final StreamListenerContainer container;

	private final StreamStore store;

	private final long maxLength;

	/**
	 * Creates the endpoint.
	 * @param container the container, whose subscriptions are listed
	 * @param store the Redis side
	 * @param maxLength approximate length streams are trimmed to when dead letters move back
	 */
	public StreamsEndpoint(StreamListenerContainer container, StreamStore store, long maxLength) {
		this.container = container;
		this.store = store;
		this.maxLength = maxLength;
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
				stats.add(this.store.stats(subscription.stream(), subscription.group()));
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
				groups.add(this.store.stats(stream, subscription.group()));
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
	 * Moves dead letters back into their stream, each with its attempts counted afresh.
	 * @param stream the stream's name
	 * @param group only this group's dead letters, or all if {@code null}
	 * @param limit most entries, 100 if {@code null}
	 * @return how many were moved
	 */
	@WriteOperation
	public Map<String, Integer> retryDeadLetters(@Selector String stream, @Nullable String group,
			@Nullable Integer limit) {
		int moved = this.store.retryDeadLetters(stream, group, (limit != null) ? limit : 100, this.maxLength);
		return Map.of("retried", moved);
	}

}

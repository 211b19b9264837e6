package dev.redisboot.session.autoconfigure;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.redisboot.session.RedisbootSessionRepository;
import dev.redisboot.session.SessionMetrics;
import dev.redisboot.session.UnreadableSessionException.Cause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Session metrics in Micrometer: {@code redisboot.sessions.creations}, {@code .expired},
 * {@code .revoked{reason}}, {@code .invalidated}, {@code .deserialization.failures{cause}},
 * {@code .faults{family,fault}}, {@code .unavailable{result}} ({@code failed},
 * {@code short-circuited}; both registered at 0),
 * and the gauge {@code redisboot.sessions.active}, which reads a count that the repository
 * refreshes with one {@code ZCARD} at most every few seconds, never a {@code SCAN}.
 *
 * @author redisboot
 */
final class MicrometerSessionMetrics implements SessionMetrics {

	private final MeterRegistry registry;

	private final Counter created;

	private final Counter expired;

	private final Counter invalidated;

	private final Map<String, Counter> revoked = new ConcurrentHashMap<>();

	private final Map<Cause, Counter> unreadable = new ConcurrentHashMap<>();

	private final Map<String, Counter> faults = new ConcurrentHashMap<>();

	private final Counter unavailableFailed;

	private final Counter unavailableShortCircuited;

	/**
	 * Creates the metrics.
	 * @param registry the registry
	 */
	MicrometerSessionMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.created = Counter.builder("redisboot.sessions.creations")
			.description("Sessions created and stored in Redis")
			.register(registry);
		this.expired = Counter.builder("redisboot.sessions.expired")
			.description("Sessions that expired, counted once across all instances by whichever cleaned them up")
			.register(registry);
		this.invalidated = Counter.builder("redisboot.sessions.invalidated")
			.description("Sessions invalidated by their user (logout)")
			.register(registry);
		this.unavailableFailed = unavailable(registry, "failed");
		this.unavailableShortCircuited = unavailable(registry, "short-circuited");
	}

	private static Counter unavailable(MeterRegistry registry, String result) {
		return Counter.builder("redisboot.sessions.unavailable")
			.tag("result", result)
			.description("Session Redis calls that got no answer (failed: Redis unavailable or too slow) or were not "
					+ "sent because the circuit breaker was open (short-circuited); their requests got HTTP 503")
			.register(registry);
	}

	/**
	 * Registers the {@code redisboot.sessions.active} gauge.
	 * @param repository the repository whose sessions are counted
	 */
	void bindActiveSessions(RedisbootSessionRepository repository) {
		Gauge.builder("redisboot.sessions.active", repository, RedisbootSessionRepository::getActiveSessionCount)
			.description("Sessions stored in Redis and not yet found expired, across all instances")
			.strongReference(true)
			.register(this.registry);
	}

	@Override
	public void created() {
		this.created.increment();
	}

	@Override
	public void expired(int count) {
		this.expired.increment(count);
	}

	@Override
	public void revoked(String reason, int count) {
		this.revoked
			.computeIfAbsent(reason, (key) -> Counter.builder("redisboot.sessions.revoked")
				.tag("reason", key)
				.description("Sessions revoked: signed out everywhere (revoked) or over the maximum per principal "
						+ "(max-sessions)")
				.register(this.registry))
			.increment(count);
	}

	@Override
	public void invalidated() {
		this.invalidated.increment();
	}

	@Override
	public void unreadable(Cause cause) {
		this.unreadable
			.computeIfAbsent(cause, (key) -> Counter.builder("redisboot.sessions.deserialization.failures")
				.tag("cause", key.tag())
				.description("Stored sessions that could not be read and were replaced by a new session")
				.register(this.registry))
			.increment();
	}

	@Override
	public void unavailable(boolean shortCircuited) {
		(shortCircuited ? this.unavailableShortCircuited : this.unavailableFailed).increment();
	}

	@Override
	public void fault(String family, String fault) {
		this.faults
			.computeIfAbsent(family + "/" + fault, (key) -> Counter.builder("redisboot.sessions.faults")
				.tag("family", family)
				.tag("fault", fault)
				.description("Session operations that met a key of the wrong type, a refused command, a session "
						+ "deleted while in use, or an undecryptable id, and went on without it")
				.register(this.registry))
			.increment();
	}

}

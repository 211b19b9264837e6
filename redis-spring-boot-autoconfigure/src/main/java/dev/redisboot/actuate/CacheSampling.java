package dev.redisboot.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import dev.redisboot.actuate.CacheEntrySampler.CacheSample;
import org.jspecify.annotations.Nullable;

/**
 * The sampled entry count and size of each cache, for the {@code redis} endpoint's cache
 * statistics: taken on the server that holds the caches (the caches' own Redis when
 * {@code redisboot.cache.redis.*} is set; every primary on Cluster), at most once per
 * refresh interval however often the endpoint is read, with all caches sharing one time
 * budget. Concurrent readers that find the samples stale wait for one sampling rather than
 * each taking their own.
 *
 * @author redisboot
 */
public final class CacheSampling {

	/**
	 * No sampling.
	 */
	public static final CacheSampling DISABLED = new CacheSampling(() -> null,
			new Settings(false, Duration.ofMinutes(1), Duration.ofMillis(500), 1, 1), Clock.systemUTC());

	private final Supplier<@Nullable Target> target;

	private final Settings settings;

	private final Clock clock;

	private final Map<String, Sampled> samples = new LinkedHashMap<>();

	private @Nullable Instant takenAt;

	/**
	 * Creates the sampling.
	 * @param target the server that holds the caches, looked up on first use ({@code null}
	 * for none)
	 * @param settings the limits
	 * @param clock the clock that ages samples
	 */
	public CacheSampling(Supplier<@Nullable Target> target, Settings settings, Clock clock) {
		this.target = target;
		this.settings = settings;
		this.clock = clock;
	}

	/**
	 * Whether caches are sampled.
	 * @return whether sampling is on
	 */
	public boolean isEnabled() {
		return this.settings.enabled();
	}

	/**
	 * The samples of the given caches, taken anew when the last sampling is older than the
	 * refresh interval or did not cover every cache asked for.
	 * @param patterns each cache's name with the {@code MATCH} pattern of its entries
	 * @return each cache's sample, or an empty map when sampling is off or no server holds
	 * the caches
	 */
	synchronized Map<String, Sampled> samples(Map<String, String> patterns) {
		if (!this.settings.enabled() || patterns.isEmpty()) {
			return Map.of();
		}
		Target server = this.target.get();
		if (server == null) {
			return Map.of();
		}
		Instant now = this.clock.instant();
		Instant taken = this.takenAt;
		boolean stale = taken == null || !taken.plus(this.settings.refreshInterval()).isAfter(now)
				|| !this.samples.keySet().containsAll(patterns.keySet());
		if (stale) {
			this.samples.clear();
			Duration share = this.settings.timeBudget().dividedBy(patterns.size());
			patterns.forEach((name, pattern) -> this.samples.put(name,
					new Sampled(server.name(), server.inspector()
						.cacheSample(pattern, share, this.settings.maxKeys(), this.settings.memorySamples()),
							this.clock.instant())));
			this.takenAt = now;
		}
		Map<String, Sampled> found = new LinkedHashMap<>();
		patterns.keySet().forEach((name) -> {
			Sampled sampled = this.samples.get(name);
			if (sampled != null) {
				found.put(name, sampled);
			}
		});
		return found;
	}

	/**
	 * One cache's sample.
	 *
	 * @param server the name of the server it was taken on ({@code default} or, for example,
	 * {@code cache})
	 * @param sample what was found
	 * @param readAt when it was taken
	 */
	record Sampled(String server, CacheSample sample, Instant readAt) {

	}

	/**
	 * The server that holds the caches.
	 *
	 * @param name its name ({@code default}, or {@code cache} for {@code redisboot.cache.redis.*})
	 * @param inspector reads it
	 */
	public record Target(String name, RedisServerInspector inspector) {

	}

	/**
	 * Limits of the sampling.
	 *
	 * @param enabled whether to sample
	 * @param refreshInterval how long a sampling is reused
	 * @param timeBudget the time one sampling of all caches may take
	 * @param maxKeys the most keys counted per cache
	 * @param memorySamples the most entries measured per cache
	 */
	public record Settings(boolean enabled, Duration refreshInterval, Duration timeBudget, long maxKeys,
			int memorySamples) {

	}

}

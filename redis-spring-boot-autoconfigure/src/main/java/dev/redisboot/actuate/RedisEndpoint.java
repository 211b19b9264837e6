package dev.redisboot.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.redisboot.core.CacheStatistics;
import dev.redisboot.core.CacheStatisticsProvider;
import dev.redisboot.core.redis.RedisServerConnection;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * The {@code redis} Actuator endpoint. Like every endpoint but health, it is not exposed
 * over HTTP unless listed in {@code management.endpoints.web.exposure.include}, and its
 * write operation follows {@code management.endpoint.redis.access}.
 * <ul>
 * <li>{@code GET /actuator/redis}: mode, every node's details, what the application keeps
 * in Redis, advice, and per-cache statistics; when the application uses a separate Redis
 * (such as the caches', {@code redisboot.cache.redis.*}), the top level describes the
 * application's own server ({@code "server": "default"}) and {@code servers} each separate
 * one by name, with the same fields, judged by what is stored there;</li>
 * <li>{@code GET /actuator/redis/advice}: the advice alone;</li>
 * <li>{@code GET /actuator/redis/slowlog?limit=20}: the slowest recent commands of every
 * node (command name and redacted first argument only) and the nodes whose slow log could
 * not be read, with the reason;</li>
 * <li>{@code GET /actuator/redis/big-keys?limit=20&pattern=...}: the largest keys, sampled
 * with {@code SCAN} and {@code MEMORY USAGE} within a time budget;</li>
 * </ul>
 * The big-key {@code pattern} must be a shown prefix followed by one {@code *} (400
 * otherwise), so that it cannot test what the redaction hides. Key names are shown as
 * {@link KeyRedactor} redacts them: only names the endpoint can
 * attribute to a non-secret name (redisboot's key families, cache and stream names, any key's
 * first segment) are shown, the rest is a digest.
 * <ul>
 * <li>{@code GET /actuator/redis/memory}: {@code MEMORY DOCTOR} of every node;</li>
 * <li>{@code GET /actuator/redis/caches}: per-cache statistics, of the cache managers that
 * report them ({@link CacheStatisticsProvider}, as redisboot's does when Micrometer is
 * present);</li>
 * <li>{@code DELETE /actuator/redis/caches/{name}}: clears one cache (a write operation).</li>
 * </ul>
 *
 * @author redisboot
 */
@Endpoint(id = "redis")
public class RedisEndpoint {

	private static final Duration MAX_AGE = Duration.ofSeconds(1);

	private final RedisServerSnapshots snapshots;

	private final RedisAdvisor advisor;

	private final Supplier<Map<String, CacheManager>> cacheManagers;

	private final BigKeySettings bigKeys;

	private final KeyRedactor redactor;

	private final SeparateRedisServers separateServers;

	private final CacheSampling cacheSampling;

	/**
	 * Creates the endpoint.
	 * @param snapshots the shared readings
	 * @param advisor the advice rules
	 * @param cacheManagers the application's cache managers, by bean name, looked up on use
	 * @param bigKeys limits of the big-key sampling
	 * @param redactor turns key names into what the endpoint may show
	 */
	public RedisEndpoint(RedisServerSnapshots snapshots, RedisAdvisor advisor, Supplier<Map<String, CacheManager>> cacheManagers,
			BigKeySettings bigKeys, KeyRedactor redactor) {
		this(snapshots, advisor, cacheManagers, bigKeys, redactor, SeparateRedisServers.NONE);
	}

	/**
	 * Creates the endpoint of an application that uses more than one Redis.
	 * @param snapshots the shared readings of the application's own server
	 * @param advisor the advice rules for it
	 * @param cacheManagers the application's cache managers, by bean name, looked up on use
	 * @param bigKeys limits of the big-key sampling
	 * @param redactor turns key names into what the endpoint may show
	 * @param separateServers the other servers, shown under {@code servers} by name
	 */
	public RedisEndpoint(RedisServerSnapshots snapshots, RedisAdvisor advisor,
			Supplier<Map<String, CacheManager>> cacheManagers, BigKeySettings bigKeys, KeyRedactor redactor,
			SeparateRedisServers separateServers) {
		this(snapshots, advisor, cacheManagers, bigKeys, redactor, separateServers, CacheSampling.DISABLED);
	}

	/**
	 * Creates the endpoint of an application that uses more than one Redis, with sampled
	 * entry counts and sizes of its caches.
	 * @param snapshots the shared readings of the application's own server
	 * @param advisor the advice rules for it
	 * @param cacheManagers the application's cache managers, by bean name, looked up on use
	 * @param bigKeys limits of the big-key sampling
	 * @param redactor turns key names into what the endpoint may show
	 * @param separateServers the other servers, shown under {@code servers} by name
	 * @param cacheSampling samples each cache's entries on the server that holds them
	 */
	public RedisEndpoint(RedisServerSnapshots snapshots, RedisAdvisor advisor,
			Supplier<Map<String, CacheManager>> cacheManagers, BigKeySettings bigKeys, KeyRedactor redactor,
			SeparateRedisServers separateServers, CacheSampling cacheSampling) {
		this.cacheSampling = cacheSampling;
		this.separateServers = separateServers;
		this.snapshots = snapshots;
		this.advisor = advisor;
		this.cacheManagers = cacheManagers;
		this.bigKeys = bigKeys;
		this.redactor = redactor;
	}

	/**
	 * The overview.
	 * @return mode, nodes, usage, advice and caches
	 */
	@ReadOperation
	public Map<String, Object> overview() {
		Map<String, Object> overview = server(this.snapshots, this.advisor);
		if (!this.separateServers.isEmpty()) {
			overview.put("server", RedisServerConnection.DEFAULT_SERVER);
			Map<String, Object> servers = new LinkedHashMap<>();
			for (SeparateRedisServers.Server server : this.separateServers.servers()) {
				Map<String, Object> details = new LinkedHashMap<>();
				details.put("properties", server.propertyPrefix() + ".*");
				details.putAll(server(server.snapshots(), server.advisor()));
				servers.put(server.name(), details);
			}
			overview.put("servers", servers);
		}
		overview.put("caches", caches());
		return overview;
	}

	private Map<String, Object> server(RedisServerSnapshots snapshots, RedisAdvisor advisor) {
		RedisServerSnapshot snapshot = snapshots.get(MAX_AGE);
		Map<String, Object> overview = new LinkedHashMap<>();
		overview.put("mode", snapshot.mode().displayName());
		Map<String, Object> nodes = new LinkedHashMap<>();
		for (RedisNodeInfo node : snapshot.nodes()) {
			if (node.isInfoReadable()) {
				nodes.put(node.node(), NodeDescriptions.describe(node, true));
			}
			else if (node.isUp()) {
				nodes.put(node.node(), Map.of("infoRefused", String.valueOf(node.infoRefused())));
			}
			else {
				nodes.put(node.node(), Map.of("error", String.valueOf(node.error())));
			}
		}
		overview.put("nodes", nodes);
		if (!snapshot.cluster().isEmpty()) {
			overview.put("cluster", snapshot.cluster());
		}
		overview.put("usage", advisor.usagesInUse().stream().map((usage) -> usage.description()).toList());
		overview.put("advice", snapshot.isAnyNodeUp() ? advisor.advise(snapshot) : List.of());
		return overview;
	}

	/**
	 * One section of the endpoint.
	 * @param section {@code advice}, {@code slowlog}, {@code big-keys}, {@code memory} or
	 * {@code caches}
	 * @param limit how many entries (slow log per node, big keys), or {@code null} for the
	 * default
	 * @param pattern a {@code MATCH} pattern for big keys, or {@code null} for every key
	 * @param server the server whose advice, slow log, big keys or memory to read:
	 * {@code default} (or {@code null}) for the application's own, or the name of a separate
	 * server such as {@code cache}
	 * @return the section, or {@code null} (404) for an unknown section or server
	 */
	@ReadOperation
	public @Nullable Object section(@Selector String section, @Nullable Integer limit, @Nullable String pattern,
			@Nullable String server) {
		RedisServerSnapshots snapshots = snapshots(server);
		if (snapshots == null) {
			return null;
		}
		return switch (section) {
			case "advice" -> advisor(server).advise(snapshots.get(MAX_AGE));
			case "slowlog" -> slowlog(snapshots.getInspector(), positive(limit, 20));
			case "big-keys" -> bigKeys(snapshots.getInspector(), positive(limit, this.bigKeys.top()), pattern);
			case "memory" -> snapshots.getInspector().memoryDoctor();
			case "caches" -> caches();
			default -> null;
		};
	}

	/**
	 * One section of the application's own server, as {@link #section(String, Integer, String, String)}.
	 * @param section the section
	 * @param limit how many entries, or {@code null} for the default
	 * @param pattern a {@code MATCH} pattern for big keys, or {@code null}
	 * @return the section, or {@code null} for an unknown one
	 */
	public @Nullable Object section(String section, @Nullable Integer limit, @Nullable String pattern) {
		return section(section, limit, pattern, null);
	}

	/**
	 * The names of the servers the application uses: {@code default} first, then each
	 * separate one.
	 * @return the names
	 */
	public List<String> serverNames() {
		List<String> names = new ArrayList<>();
		names.add(RedisServerConnection.DEFAULT_SERVER);
		this.separateServers.servers().forEach((server) -> names.add(server.name()));
		return names;
	}

	private @Nullable RedisServerSnapshots snapshots(@Nullable String server) {
		if (server == null || server.isEmpty() || RedisServerConnection.DEFAULT_SERVER.equals(server)) {
			return this.snapshots;
		}
		return this.separateServers.servers()
			.stream()
			.filter((separate) -> separate.name().equals(server))
			.map(SeparateRedisServers.Server::snapshots)
			.findFirst()
			.orElse(null);
	}

	private RedisAdvisor advisor(@Nullable String server) {
		return this.separateServers.servers()
			.stream()
			.filter((separate) -> separate.name().equals(server))
			.map(SeparateRedisServers.Server::advisor)
			.findFirst()
			.orElse(this.advisor);
	}

	private RedisServerInspector.Slowlog slowlog(RedisServerInspector inspector, int limit) {
		RedisServerInspector.Slowlog slowlog = inspector.slowlog(limit);
		return new RedisServerInspector.Slowlog(slowlog.entries()
			.stream()
			.map((entry) -> new SlowlogEntry(entry.node(), entry.id(), entry.time(), entry.durationMicros(),
					entry.command(), this.redactor.firstArgument(entry.command(), entry.firstArgument()),
					entry.arguments(), entry.client()))
			.toList(), slowlog.unreadable());
	}

	private BigKeys bigKeys(RedisServerInspector inspector, int limit, @Nullable String pattern) {
		if (pattern != null && !this.redactor.isAllowedPattern(pattern)) {
			throw new InvalidEndpointRequestException("Pattern '" + pattern + "' is not allowed: use a prefix that"
					+ " the endpoint shows, followed by one '*', such as 'cache:products:*' or 'user:*'",
					"Pattern not allowed");
		}
		BigKeys found = inspector.bigKeys(limit, pattern, this.bigKeys.timeBudget(), this.bigKeys.maxKeys());
		return new BigKeys(found.keys()
			.stream()
			.map((key) -> new BigKeys.Key(this.redactor.key(key.key()), key.node(), key.bytes(), key.type()))
			.toList(), found.scanned(), found.complete(), found.elapsed());
	}

	/**
	 * Clears one cache, in Redis and in every instance's near cache.
	 * @param section must be {@code caches}
	 * @param name the cache's name
	 * @return what was cleared, or {@code null} (404) for an unknown cache
	 */
	@DeleteOperation
	public @Nullable Map<String, Object> clearCache(@Selector String section, @Selector String name) {
		if (!"caches".equals(section)) {
			return null;
		}
		List<String> cleared = new ArrayList<>();
		this.cacheManagers.get().forEach((managerName, manager) -> {
			// look the name up first: getCache creates caches in managers that allow unlisted names
			Cache cache = manager.getCacheNames().contains(name) ? manager.getCache(name) : null;
			if (cache != null) {
				cache.invalidate();
				cleared.add(managerName);
			}
		});
		if (cleared.isEmpty()) {
			return null;
		}
		return Map.of("cache", name, "cleared", true, "cacheManagers", cleared);
	}

	private List<Map<String, Object>> caches() {
		List<Map<String, Object>> caches = new ArrayList<>();
		Map<String, String> patterns = new LinkedHashMap<>();
		Map<String, CacheManager> managers = this.cacheManagers.get();
		managers.forEach((managerName, manager) -> {
			if (manager instanceof CacheStatisticsProvider provider) {
				for (String name : manager.getCacheNames()) {
					String pattern = provider.getCacheKeyPattern(name);
					if (pattern != null) {
						patterns.putIfAbsent(name, pattern);
					}
				}
			}
		});
		Map<String, CacheSampling.Sampled> samples = this.cacheSampling.samples(patterns);
		managers.forEach((managerName, manager) -> {
			for (String name : manager.getCacheNames()) {
				Map<String, Object> stats = new LinkedHashMap<>();
				stats.put("name", name);
				stats.put("cacheManager", managerName);
				Cache cache = manager.getCache(name);
				if (cache != null) {
					stats.put("type", cache.getClass().getSimpleName());
				}
				CacheStatisticsProvider provider = (manager instanceof CacheStatisticsProvider found) ? found : null;
				CacheStatistics statistics = (provider != null) ? provider.getCacheStatistics(name) : null;
				Duration timeToLive = (provider != null) ? provider.getCacheTimeToLive(name) : null;
				Boolean compressed = (provider != null) ? provider.isCacheCompressed(name) : null;
				if (timeToLive != null) {
					stats.put("timeToLive", timeToLive.toString());
				}
				if (compressed != null) {
					stats.put("compressed", compressed);
				}
				if (statistics != null) {
					putStatistics(stats, statistics);
				}
				CacheSampling.Sampled sampled = samples.get(name);
				if (sampled != null) {
					stats.put("sample", describe(sampled));
				}
				stats.put("advice", CacheAdvice.advise(name, statistics, timeToLive, compressed,
						(sampled != null) ? sampled.sample() : null));
				caches.add(stats);
			}
		});
		return caches;
	}

	private static Map<String, Object> describe(CacheSampling.Sampled sampled) {
		CacheEntrySampler.CacheSample sample = sampled.sample();
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("server", sampled.server());
		described.put("entries", sample.entries());
		described.put("complete", sample.complete());
		described.put("entriesText", sample.complete() ? String.valueOf(sample.entries())
				: "≥ " + sample.entries() + " (scan stopped at budget)");
		described.put("measured", sample.measured());
		if (sample.measured() > 0) {
			described.put("estimatedBytes", sample.estimatedBytes());
			described.put("meanEntryBytes", sample.meanEntryBytes());
			described.put("meanValueBytes", sample.meanValueBytes());
		}
		described.put("readAt", sampled.readAt().toString());
		described.put("elapsedMillis", sample.elapsed().toMillis());
		return described;
	}

	private static void putStatistics(Map<String, Object> stats, CacheStatistics statistics) {
		long reads = statistics.hits() + statistics.misses();
		stats.put("hits", statistics.hits());
		stats.put("misses", statistics.misses());
		if (reads > 0) {
			stats.put("hitRatio", Math.round(statistics.hits() * 1000.0 / reads) / 1000.0);
		}
		stats.put("puts", statistics.puts());
		stats.put("evictions", statistics.evictions());
		stats.put("nearHits", statistics.nearHits());
		stats.put("nearMisses", statistics.nearMisses());
		stats.put("loads", statistics.loads());
		double meanMicros = (statistics.loads() > 0)
				? statistics.loadTime().toNanos() / 1000.0 / statistics.loads() : 0;
		stats.put("loadMeanMillis", Math.round(meanMicros) / 1000.0);
	}

	private static int positive(@Nullable Integer value, int fallback) {
		return (value != null && value > 0) ? Math.min(value, 1000) : fallback;
	}

	/**
	 * Limits of the big-key sampling.
	 *
	 * @param top how many keys to report by default
	 * @param timeBudget the time one sampling may take
	 * @param maxKeys the most keys one sampling measures
	 */
	public record BigKeySettings(int top, Duration timeBudget, long maxKeys) {

	}

}

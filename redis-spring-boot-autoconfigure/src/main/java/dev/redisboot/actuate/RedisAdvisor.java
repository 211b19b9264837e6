package dev.redisboot.actuate;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.redisboot.actuate.RedisAdvice.Severity;
import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.RedisUsage.Kind;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Judges the Redis servers' settings against what the application keeps in them (the
 * {@link RedisUsage} beans of redisboot's features). The rules:
 * <ul>
 * <li>{@code maxmemory-unset}: caches are stored but a primary has no {@code maxmemory};</li>
 * <li>{@code noeviction-with-caches}: caches alone are stored under a memory limit with the
 * {@code noeviction} policy, so writes fail once Redis is full;</li>
 * <li>{@code eviction-drops-data}: sessions, jobs, locks or rate limits are stored under a
 * memory limit with a policy that evicts some of them: {@code volatile-*} evicts keys with
 * a TTL (session hashes, lock keys, rate-limit buckets, idempotency records, as well as
 * cache entries), {@code allkeys-*} any key (streams and queued jobs too);</li>
 * <li>{@code no-persistence}: sessions or jobs are stored but a primary neither appends to
 * an AOF nor saves RDB snapshots (needs {@code CONFIG GET save}; skipped where
 * {@code CONFIG} is refused);</li>
 * <li>{@code no-password}: the application connects to a non-loopback address without a
 * password;</li>
 * <li>{@code keys-in-slowlog}: {@code KEYS} appears in a slow log.</li>
 * </ul>
 * A rule that cannot be checked, because the connection's ACL user may not run
 * {@code INFO}, {@code CONFIG GET} or {@code SLOWLOG GET}, or a node failed, is reported
 * with the {@link Severity#UNCHECKED} severity and the reason, never silently left out.
 * <p>
 * Public for the auto-configuration; not API: the advice is read through the {@code redis}
 * endpoint.
 *
 * @author redisboot
 */
public class RedisAdvisor {

	/**
	 * Slow log entries read per node when looking for {@code KEYS}.
	 */
	static final int SLOWLOG_ENTRIES = 128;

	/**
	 * What an eviction policy drops of each kind of data: under {@code volatile-*} the keys
	 * with a TTL, under {@code allkeys-*} every key.
	 */
	private static final Map<Kind, List<String>> EVICTION_LOSSES = Map.of(Kind.SESSIONS,
			List.of("HTTP sessions (users signed out)", "HTTP sessions (users signed out)"), Kind.LOCKS,
			List.of("lock keys (a second holder takes a lock that is still held)",
					"lock keys (a second holder takes a lock that is still held) and fencing counters (tokens start"
							+ " again)"),
			Kind.RATE_LIMITS,
			List.of("rate-limit buckets (limits reset)", "rate-limit buckets (limits reset)"), Kind.JOBS,
			List.of("job idempotency records (a repeated enqueue runs twice)",
					"streams, queued and delayed jobs (work lost) and job idempotency records"));

	private final RedisServerInspector inspector;

	private final Supplier<? extends Collection<RedisUsage>> usages;

	private final String connectionProperties;

	/**
	 * Creates an advisor.
	 * @param inspector asks the servers
	 * @param usages what the application's features keep in Redis
	 */
	public RedisAdvisor(RedisServerInspector inspector, Supplier<? extends Collection<RedisUsage>> usages) {
		this(inspector, usages, "spring.data.redis");
	}

	/**
	 * Creates an advisor of one of several servers.
	 * @param inspector asks the server
	 * @param usages what the application's features keep in that server
	 * @param connectionProperties the prefix of the properties of the connection to it, such
	 * as {@code redisboot.cache.redis}, for the advice's wording
	 */
	public RedisAdvisor(RedisServerInspector inspector, Supplier<? extends Collection<RedisUsage>> usages,
			String connectionProperties) {
		this.inspector = inspector;
		this.usages = usages;
		this.connectionProperties = connectionProperties;
	}

	/**
	 * What the application keeps in Redis at the moment.
	 * @return the usages in use
	 */
	public List<RedisUsage> usagesInUse() {
		return this.usages.get().stream().filter((usage) -> usage.inUse().getAsBoolean()).toList();
	}

	/**
	 * Applies every rule.
	 * @param snapshot a reading of the servers
	 * @return the advice, warnings first; empty for a well set-up server
	 */
	public List<RedisAdvice> advise(RedisServerSnapshot snapshot) {
		List<RedisUsage> inUse = usagesInUse();
		String caches = describe(inUse, Kind.CACHE);
		String durable = describe(inUse, Kind.SESSIONS, Kind.JOBS);
		Set<Kind> evictable = inUse.stream()
			.map(RedisUsage::kind)
			.filter(EVICTION_LOSSES::containsKey)
			.collect(Collectors.toCollection(() -> EnumSet.noneOf(Kind.class)));
		List<RedisNodeInfo> primaries = snapshot.nodes()
			.stream()
			.filter((n) -> n.isInfoReadable() && !n.isReplica())
			.toList();
		List<RedisNodeInfo> refused = snapshot.nodes().stream().filter((n) -> n.infoRefused() != null).toList();
		List<RedisAdvice> advice = new ArrayList<>();
		if (!caches.isEmpty()) {
			memoryRules(primaries, caches, describe(inUse, evictable.toArray(Kind[]::new)), advice);
			unchecked("maxmemory-unset", "maxmemory and maxmemory-policy for " + caches, "INFO", refused, advice);
		}
		if (!evictable.isEmpty()) {
			evictionRule(primaries, inUse, evictable, advice);
			if (caches.isEmpty()) { // with caches, maxmemory-unset says that the policy could not be checked
				unchecked("eviction-drops-data",
						"maxmemory-policy for " + describe(inUse, evictable.toArray(Kind[]::new)), "INFO", refused,
						advice);
			}
		}
		if (!durable.isEmpty()) {
			persistenceRule(primaries, durable, advice);
			unchecked("no-persistence", "persistence (AOF, RDB) for " + durable, "INFO", refused, advice);
		}
		passwordRule(advice);
		slowlogRule(advice);
		advice.sort((a, b) -> a.severity().compareTo(b.severity()));
		return advice;
	}

	private void memoryRules(List<RedisNodeInfo> primaries, String caches, String shared, List<RedisAdvice> advice) {
		String policy = shared.isEmpty() ? "maxmemory-policy allkeys-lru"
				: "keep maxmemory-policy noeviction: " + shared + " share the server, and every eviction policy would"
						+ " evict some of them (volatile-* any key with a TTL, allkeys-* any key). Cache entries all"
						+ " have a TTL, so with a memory limit large enough for the caches' working set a full Redis"
						+ " fails cache writes (dropped and counted, the methods still answer) but loses nothing else;"
						+ " or give the caches a separate Redis for caches (redisboot.cache.redis.*), with allkeys-lru";
		List<String> unlimited = primaries.stream()
			.filter((node) -> node.getLong("maxmemory", -1) == 0)
			.map(RedisNodeInfo::node)
			.toList();
		if (!unlimited.isEmpty()) {
			advice.add(new RedisAdvice("maxmemory-unset", Severity.WARNING, "Redis holds " + caches
					+ " but maxmemory is not set: it grows until the operating system kills or swaps it. Set maxmemory"
					+ " (for example to 75% of the machine's memory) and " + policy + ".", unlimited));
		}
		if (!shared.isEmpty()) {
			return; // noeviction is the advice: eviction-drops-data judges the other policies
		}
		List<String> noEviction = primaries.stream()
			.filter((node) -> node.getLong("maxmemory", 0) > 0 && "noeviction".equals(node.get("maxmemory_policy")))
			.map(RedisNodeInfo::node)
			.toList();
		if (!noEviction.isEmpty()) {
			advice.add(new RedisAdvice("noeviction-with-caches", Severity.WARNING, "Redis holds " + caches
					+ " with maxmemory-policy noeviction: once maxmemory is reached every write fails (OOM) instead of"
					+ " old cache entries making room. Set " + policy + ".", noEviction));
		}
	}

	private void evictionRule(List<RedisNodeInfo> primaries, List<RedisUsage> inUse, Set<Kind> evictable,
			List<RedisAdvice> advice) {
		Map<String, List<String>> byPolicy = new TreeMap<>();
		for (RedisNodeInfo node : primaries) {
			String policy = node.get("maxmemory_policy");
			if (node.getLong("maxmemory", 0) > 0 && policy != null
					&& (policy.startsWith("volatile-") || policy.startsWith("allkeys-"))) {
				byPolicy.computeIfAbsent(policy, (key) -> new ArrayList<>()).add(node.node());
			}
		}
		byPolicy.forEach((policy, nodes) -> {
			boolean allKeys = policy.startsWith("allkeys-");
			List<String> losses = new ArrayList<>();
			for (Kind kind : List.of(Kind.SESSIONS, Kind.JOBS, Kind.LOCKS, Kind.RATE_LIMITS)) {
				if (evictable.contains(kind)) {
					losses.add(EVICTION_LOSSES.get(kind).get(allKeys ? 1 : 0));
				}
			}
			boolean caches = inUse.stream().anyMatch((usage) -> usage.kind() == Kind.CACHE);
			advice.add(new RedisAdvice("eviction-drops-data", Severity.WARNING, "Redis holds "
					+ describe(inUse, evictable.toArray(Kind[]::new)) + " under maxmemory-policy " + policy
					+ ", which evicts " + (allKeys ? "any key" : "any key with a TTL") + " once maxmemory is reached: "
					+ String.join(", ", losses)
					+ (allKeys ? "" : "; only keys without a TTL, such as streams, are kept") + ". Set"
					+ " maxmemory-policy noeviction"
					+ (caches ? " and keep the caches bounded (every cache entry has a TTL; a full Redis then fails"
							+ " cache writes, dropped and counted, instead of evicting data), or give the caches a"
							+ " separate Redis for caches (redisboot.cache.redis.*), with allkeys-lru" : "")
					+ ".", nodes));
		});
	}

	private void persistenceRule(List<RedisNodeInfo> primaries, String durable, List<RedisAdvice> advice) {
		List<String> candidates = primaries.stream()
			.filter((node) -> "0".equals(node.get("aof_enabled")))
			.map(RedisNodeInfo::node)
			.toList();
		if (candidates.isEmpty()) {
			return;
		}
		Map<String, String> save;
		try {
			RedisServerInspector.NodeAnswers answers = this.inspector.configGet("save");
			save = answers.values();
			List<String> failed = candidates.stream().filter(answers.errors()::containsKey).toList();
			if (!failed.isEmpty()) {
				advice.add(new RedisAdvice("no-persistence", Severity.UNCHECKED, "Could not check whether RDB"
						+ " snapshots keep " + durable + " (AOF is off): CONFIG GET save failed: "
						+ answers.errors().get(failed.get(0)) + reason(answers.errors().get(failed.get(0))), failed));
			}
		}
		catch (RuntimeException ex) {
			return; // Redis went away meanwhile: no advice rather than a guess
		}
		List<String> volatileNodes = candidates.stream()
			.filter((node) -> save.containsKey(node) && save.get(node).isBlank())
			.toList();
		if (!volatileNodes.isEmpty()) {
			advice.add(new RedisAdvice("no-persistence", Severity.WARNING, "Redis holds " + durable
					+ " but neither appends to an AOF nor saves RDB snapshots: a restart loses them all (users signed"
					+ " out, jobs gone). Turn on appendonly yes (appendfsync everysec), or at least RDB snapshots"
					+ " (save 3600 1 300 100 60 10000).", volatileNodes));
		}
	}

	private void passwordRule(List<RedisAdvice> advice) {
		LettuceConnectionFactory factory = this.inspector.getConnectionFactory();
		boolean password;
		List<String> hosts = new ArrayList<>();
		RedisClusterConfiguration cluster = factory.getClusterConfiguration();
		RedisSentinelConfiguration sentinel = factory.getSentinelConfiguration();
		if (cluster != null) {
			password = cluster.getPassword().isPresent();
			cluster.getClusterNodes().forEach((node) -> hosts.add(node.getHost()));
		}
		else if (sentinel != null) {
			password = sentinel.getPassword().isPresent();
			sentinel.getSentinels().stream().map(RedisNode::getHost).forEach(hosts::add);
		}
		else {
			RedisStandaloneConfiguration standalone = factory.getStandaloneConfiguration();
			password = standalone.getPassword().isPresent();
			hosts.add(standalone.getHostName());
		}
		Set<String> exposed = hosts.stream()
			.filter((host) -> host != null && !isLoopback(host))
			.collect(Collectors.toCollection(LinkedHashSet::new));
		if (!password && !exposed.isEmpty()) {
			advice.add(new RedisAdvice("no-password", Severity.WARNING,
					"The application connects to Redis at a non-loopback address (" + String.join(", ", exposed)
							+ ") without a password: anyone who can reach that address can read and change every key."
							+ " Set requirepass or an ACL user on the server and " + this.connectionProperties
							+ ".password (and username) here; prefer TLS (" + this.connectionProperties
							+ ".ssl.enabled) across networks.",
					List.of()));
		}
	}

	private void slowlogRule(List<RedisAdvice> advice) {
		List<SlowlogEntry> entries;
		try {
			RedisServerInspector.Slowlog slowlog = this.inspector.slowlog(SLOWLOG_ENTRIES);
			entries = slowlog.entries();
			if (!slowlog.unreadable().isEmpty()) {
				String error = slowlog.unreadable().values().iterator().next();
				advice.add(new RedisAdvice("keys-in-slowlog", Severity.UNCHECKED,
						"Could not check the slow log for KEYS: SLOWLOG GET failed: " + error + reason(error),
						List.copyOf(slowlog.unreadable().keySet())));
			}
		}
		catch (RuntimeException ex) {
			return;
		}
		List<SlowlogEntry> keys = entries.stream()
			.filter((entry) -> "KEYS".equals(entry.command()))
			.toList();
		if (!keys.isEmpty()) {
			long slowest = keys.stream().mapToLong(SlowlogEntry::durationMicros).max().orElse(0);
			List<String> nodes = keys.stream().map(SlowlogEntry::node).distinct().toList();
			advice.add(new RedisAdvice("keys-in-slowlog", Severity.WARNING, "KEYS appears " + keys.size()
					+ " time(s) in the slow log (slowest " + slowest + " µs). KEYS walks every key while Redis serves"
					+ " no one else; use SCAN. Spring Data's RedisCache.clear() uses KEYS unless its cache writer is"
					+ " given BatchStrategies.scan(...); redisboot's caches never use it.", nodes));
		}
	}

	private static void unchecked(String rule, String what, String command, List<RedisNodeInfo> refused,
			List<RedisAdvice> advice) {
		if (!refused.isEmpty()) {
			String error = String.valueOf(refused.get(0).infoRefused());
			advice.add(new RedisAdvice(rule, Severity.UNCHECKED, "Could not check " + what + ": " + command
					+ " failed: " + error + reason(error), refused.stream().map(RedisNodeInfo::node).toList()));
		}
	}

	private static String reason(String error) {
		return RedisServerInspector.isRefusal(error)
				? ". The connection's ACL user may not run it (managed services refuse @dangerous commands); check the"
						+ " setting in the service's console, or grant the command (see the startup warning)."
				: ".";
	}

	private static String describe(List<RedisUsage> usages, Kind... kinds) {
		Set<Kind> wanted = Set.of(kinds);
		return usages.stream()
			.filter((usage) -> wanted.contains(usage.kind()))
			.map(RedisUsage::description)
			.collect(Collectors.joining(" and "));
	}

	private static boolean isLoopback(String host) {
		try {
			return InetAddress.getByName(host).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}

package dev.redisboot.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Redis health with the details an operator looks for first: version, mode, role, memory
 * used and its share of {@code maxmemory}, eviction policy, clients, replication link and
 * uptime, for every node on Cluster.
 * <p>
 * Status: {@code DOWN} when Redis cannot be reached (the {@code error} detail carries the
 * real cause, such as {@code WRONGPASS} while the connection fails to reconnect), or on Cluster when the cluster state is
 * not {@code ok} or slots are failing; {@link #WARNING} when a node uses more than the
 * configured share of its {@code maxmemory}, a cluster node does not answer, slots are
 * possibly failing or a replica has lost its primary; {@code UP} otherwise. Where the
 * connection's ACL user may not run {@code INFO} (managed services' {@code -@dangerous}), a
 * node that answers {@code PING} is {@code UP} with an {@code infoRefused} detail holding
 * Redis's {@code NOPERM} answer instead of the server details. A check costs at
 * most one {@code INFO} per node (and one {@code CLUSTER INFO}), and readings are shared for
 * a short time with the server metrics and the {@code redis} endpoint.
 *
 * @author redisboot
 */
public class RedisServerHealthIndicator implements HealthIndicator {

	/**
	 * Redis works but needs attention. Maps to HTTP 200; redisboot orders it between
	 * {@code OUT_OF_SERVICE} and {@code UP}.
	 */
	public static final Status WARNING = new Status("WARNING", "Redis works but needs attention");

	private final RedisServerSnapshots snapshots;

	private final Duration maxAge;

	private final int memoryWarningPercent;

	private final @Nullable String server;

	/**
	 * Creates the indicator.
	 * @param snapshots the shared readings
	 * @param maxAge how old a reading a check may reuse
	 * @param memoryWarningPercent share of {@code maxmemory}, in percent, above which the
	 * status is {@link #WARNING}
	 */
	public RedisServerHealthIndicator(RedisServerSnapshots snapshots, Duration maxAge, int memoryWarningPercent) {
		this(snapshots, maxAge, memoryWarningPercent, null);
	}

	/**
	 * Creates the indicator of one of several servers.
	 * @param snapshots the shared readings of the server
	 * @param maxAge how old a reading a check may reuse
	 * @param memoryWarningPercent share of {@code maxmemory}, in percent, above which the
	 * status is {@link #WARNING}
	 * @param server the server's name, such as {@code cache}, reported as the {@code server}
	 * detail; {@code null} for none
	 */
	public RedisServerHealthIndicator(RedisServerSnapshots snapshots, Duration maxAge, int memoryWarningPercent,
			@Nullable String server) {
		this.snapshots = snapshots;
		this.maxAge = maxAge;
		this.memoryWarningPercent = memoryWarningPercent;
		this.server = server;
	}

	@Override
	public Health health() {
		RedisServerSnapshot snapshot = this.snapshots.get(this.maxAge);
		Health.Builder builder = new Health.Builder();
		if (this.server != null) {
			builder.withDetail("server", this.server);
		}
		builder.withDetail("mode", snapshot.mode().displayName());
		if (!snapshot.isAnyNodeUp()) {
			String error = (snapshot.error() != null) ? snapshot.error() : snapshot.nodes().get(0).error();
			return builder.down().withDetail("error", String.valueOf(error)).build();
		}
		List<String> warnings = new ArrayList<>();
		boolean down = false;
		if (snapshot.mode() == RedisMode.CLUSTER) {
			down = clusterDetails(snapshot, builder, warnings);
			Map<String, Object> nodes = new LinkedHashMap<>();
			for (RedisNodeInfo node : snapshot.nodes()) {
				if (node.isInfoReadable()) {
					nodes.put(node.node(), NodeDescriptions.describe(node, false));
				}
				else if (node.isUp()) {
					nodes.put(node.node(), Map.of("infoRefused", String.valueOf(node.infoRefused())));
				}
				else {
					nodes.put(node.node(), Map.of("error", String.valueOf(node.error())));
					warnings.add(node.node() + " does not answer: " + node.error());
				}
			}
			snapshot.nodes()
				.stream()
				.filter(RedisNodeInfo::isInfoReadable)
				.findFirst()
				.ifPresent((node) -> builder.withDetail("version", String.valueOf(node.get("redis_version"))));
			builder.withDetail("nodes", nodes);
		}
		else if (snapshot.nodes().get(0).isInfoReadable()) {
			builder.withDetails(NodeDescriptions.describe(snapshot.nodes().get(0), false));
		}
		else {
			// PING answered: Redis works for the application, only its details are hidden from this user
			builder.withDetail("infoRefused", String.valueOf(snapshot.nodes().get(0).infoRefused()));
		}
		for (RedisNodeInfo node : snapshot.nodes()) {
			nodeWarnings(node, warnings);
		}
		if (!warnings.isEmpty()) {
			builder.withDetail("warnings", warnings);
		}
		if (down) {
			return builder.down().build();
		}
		return (warnings.isEmpty() ? builder.up() : builder.status(WARNING)).build();
	}

	private boolean clusterDetails(RedisServerSnapshot snapshot, Health.Builder builder, List<String> warnings) {
		Map<String, String> cluster = snapshot.cluster();
		String state = cluster.getOrDefault("cluster_state", "unknown");
		builder.withDetail("cluster_state", state);
		putLong(builder, "cluster_size", cluster.get("cluster_size"));
		putLong(builder, "slots_up", cluster.get("cluster_slots_ok"));
		long pfail = putLong(builder, "slots_pfail", cluster.get("cluster_slots_pfail"));
		long fail = putLong(builder, "slots_fail", cluster.get("cluster_slots_fail"));
		if (pfail > 0) {
			warnings.add(pfail + " slots possibly failing");
		}
		return !"ok".equals(state) || fail > 0;
	}

	private static long putLong(Health.Builder builder, String key, @Nullable String value) {
		if (value == null) {
			return 0;
		}
		try {
			long number = Long.parseLong(value);
			builder.withDetail(key, number);
			return number;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private void nodeWarnings(RedisNodeInfo node, List<String> warnings) {
		if (!node.isInfoReadable()) {
			return;
		}
		double percent = node.memoryUsagePercent();
		if (percent > this.memoryWarningPercent) {
			warnings.add(String.format(Locale.ROOT, "%s uses %.1f%% of maxmemory (warning above %d%%)", node.node(),
					percent, this.memoryWarningPercent));
		}
		if (node.isReplica() && !"up".equals(node.get("master_link_status"))) {
			warnings.add(node.node() + " has lost its primary (master_link_status " + node.get("master_link_status")
					+ ")");
		}
	}

}

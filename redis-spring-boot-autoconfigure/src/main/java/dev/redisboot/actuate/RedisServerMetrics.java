package dev.redisboot.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Turns each Redis server's {@code INFO} into Micrometer meters, read on a schedule (one
 * {@code INFO} per node per interval, never per scrape). Names follow redis_exporter's, so
 * that dashboards and alerts written for it read the same: {@code redis.up} (the node
 * answers), {@code redis.info.readable} (its {@code INFO} could be read: 0 with {@code redis.up}
 * 1 means the ACL user may not run {@code INFO}, and the other meters are {@code NaN}),
 * {@code redis.uptime}, {@code redis.memory.used}, {@code redis.memory.max},
 * {@code redis.memory.used.rss}, {@code redis.mem.fragmentation.ratio},
 * {@code redis.evicted.keys}, {@code redis.expired.keys}, {@code redis.keyspace.hits},
 * {@code redis.keyspace.misses}, {@code redis.connected.clients},
 * {@code redis.blocked.clients}, {@code redis.commands.processed},
 * {@code redis.connected.slaves}, {@code redis.master.repl.offset},
 * {@code redis.master.link.up} (replicas), {@code redis.connected.slave.lag} (primaries, per
 * replica) and {@code redis.db.keys} (per database). Every meter is tagged {@code node}:
 * {@code host:port}, or the master's name under Sentinel; when the application uses more
 * than one Redis (a separate Redis for caches, {@code redisboot.cache.redis.*}), also
 * {@code server}: {@code default} or {@code cache}.
 *
 * @author redisboot
 */
public class RedisServerMetrics implements MeterBinder, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisServerMetrics.class);

	private final RedisServerSnapshots snapshots;

	private final Duration interval;

	private final @Nullable String server;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	private final Map<String, NodeMeters> nodes = new ConcurrentHashMap<>();

	private volatile @Nullable ScheduledExecutorService scheduler;

	private volatile boolean failing;

	/**
	 * Creates the metrics.
	 * @param snapshots the shared readings
	 * @param interval how often every node is read
	 */
	public RedisServerMetrics(RedisServerSnapshots snapshots, Duration interval) {
		this(snapshots, interval, null);
	}

	/**
	 * Creates the metrics of one of several servers.
	 * @param snapshots the shared readings of the server
	 * @param interval how often every node is read
	 * @param server the server's name, such as {@code default} or {@code cache}, as the
	 * {@code server} tag of every meter; {@code null} for no such tag (the application has one
	 * Redis)
	 */
	public RedisServerMetrics(RedisServerSnapshots snapshots, Duration interval, @Nullable String server) {
		this.snapshots = snapshots;
		this.interval = interval;
		this.server = server;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		this.nodes.values().forEach((node) -> node.registerAll(registry));
	}

	@Override
	public void start() {
		if (this.registries.isEmpty()) {
			return; // no registry to publish to: do not read Redis for nothing
		}
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "redisboot-server-metrics");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler = scheduler;
		scheduler.scheduleWithFixedDelay(this::refreshQuietly, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null) {
			scheduler.shutdownNow();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	private void refreshQuietly() {
		try {
			refresh();
			this.failing = false;
		}
		catch (RuntimeException ex) {
			if (!this.failing) {
				logger.warn("Reading Redis server metrics failed: " + ex.getMessage());
				this.failing = true;
			}
		}
	}

	/**
	 * Reads every node now (or reuses a reading younger than half the interval) and updates
	 * the meters: new nodes get meters, nodes that left the cluster lose theirs.
	 */
	public void refresh() {
		Duration maxAge = this.interval.dividedBy(2);
		RedisServerSnapshot snapshot = this.snapshots.get(maxAge);
		if (snapshot.error() != null && snapshot.mode() == RedisMode.CLUSTER && !this.nodes.isEmpty()) {
			// the cluster could not be reached at all: every known node is down
			this.nodes.values().forEach((node) -> node.update(null, this.registries));
			return;
		}
		Set<String> seen = new HashSet<>();
		for (RedisNodeInfo info : snapshot.nodes()) {
			seen.add(info.node());
			this.nodes.computeIfAbsent(info.node(), (name) -> new NodeMeters(name, this.server, this.registries))
				.update(info, this.registries);
		}
		for (String name : new ArrayList<>(this.nodes.keySet())) {
			if (!seen.contains(name)) {
				this.nodes.remove(name).removeAll(this.registries);
			}
		}
	}

	private static final class NodeMeters {

		private final String node;

		private final String[] tags;

		private final List<Meter.Id> ids = new CopyOnWriteArrayList<>();

		private final List<MeterSpec> specs = new CopyOnWriteArrayList<>();

		private final Set<String> dynamic = ConcurrentHashMap.newKeySet();

		private volatile @Nullable RedisNodeInfo current;

		private volatile @Nullable RedisNodeInfo last;

		private volatile boolean up;

		NodeMeters(String node, @Nullable String server, List<MeterRegistry> registries) {
			this.node = node;
			this.tags = (server != null) ? new String[] { "node", node, "server", server } : new String[] { "node", node };
			gauge("redis.up", "1 if the node answered the last reading (INFO, or PING where INFO is refused), 0 if not",
					null, (m) -> m.up ? 1 : 0);
			gauge("redis.info.readable",
					"1 if the node's INFO could be read, 0 if not (refused to the ACL user, or the node is down)", null,
					(m) -> (m.current != null) ? 1 : 0);
			gauge("redis.uptime", "Time since the server started", "seconds", field("uptime_in_seconds"));
			gauge("redis.memory.used", "Memory allocated by Redis (used_memory)", BaseUnits.BYTES,
					field("used_memory"));
			gauge("redis.memory.max", "The maxmemory setting, 0 when unset", BaseUnits.BYTES, field("maxmemory"));
			gauge("redis.memory.used.rss", "Memory the operating system gave Redis (used_memory_rss)",
					BaseUnits.BYTES, field("used_memory_rss"));
			gauge("redis.mem.fragmentation.ratio", "used_memory_rss / used_memory", null,
					field("mem_fragmentation_ratio"));
			counter("redis.evicted.keys", "Keys evicted because of maxmemory", "evicted_keys");
			counter("redis.expired.keys", "Keys deleted because their TTL ran out", "expired_keys");
			counter("redis.keyspace.hits", "Successful key lookups", "keyspace_hits");
			counter("redis.keyspace.misses", "Failed key lookups", "keyspace_misses");
			gauge("redis.connected.clients", "Client connections", null, field("connected_clients"));
			gauge("redis.blocked.clients", "Clients blocked in BLPOP, XREADGROUP BLOCK and the like", null,
					field("blocked_clients"));
			counter("redis.commands.processed", "Commands processed by the server", "total_commands_processed");
			gauge("redis.connected.slaves", "Replicas connected to this node", null, field("connected_slaves"));
			gauge("redis.master.repl.offset", "The node's replication offset", null, field("master_repl_offset"));
			registries.forEach(this::registerAll);
		}

		private static ToDoubleFunction<NodeMeters> field(String name) {
			return (meters) -> {
				RedisNodeInfo info = meters.current;
				return (info != null) ? info.getDouble(name) : Double.NaN;
			};
		}

		private void gauge(String name, String description, @Nullable String unit, ToDoubleFunction<NodeMeters> value) {
			this.specs.add((registry, tags) -> Gauge.builder(name, this, value)
				.tags(tags)
				.description(description)
				.baseUnit(unit)
				.strongReference(true)
				.register(registry));
		}

		private void counter(String name, String description, String field) {
			this.specs.add((registry, tags) -> FunctionCounter.builder(name, this, (meters) -> {
				// a node that did not answer keeps its last count: a counter never drops on a failed read
				RedisNodeInfo info = meters.last;
				return (info != null) ? info.getDouble(field) : 0;
			}).tags(tags).description(description).register(registry));
		}

		void registerAll(MeterRegistry registry) {
			for (MeterSpec spec : this.specs) {
				this.ids.add(spec.register(registry, this.tags).getId());
			}
		}

		void update(@Nullable RedisNodeInfo info, List<MeterRegistry> registries) {
			this.up = info != null && info.isUp();
			this.current = (info != null && info.isInfoReadable()) ? info : null;
			if (this.current != null) {
				this.last = this.current;
				registerDynamic(this.current, registries);
			}
		}

		private void registerDynamic(RedisNodeInfo info, List<MeterRegistry> registries) {
			if (info.isReplica() && this.dynamic.add("master-link")) {
				addAndRegister(registries, (registry, tags) -> Gauge.builder("redis.master.link.up", this, (meters) -> {
					RedisNodeInfo now = meters.current;
					return (now == null || !now.isReplica()) ? Double.NaN
							: ("up".equals(now.get("master_link_status")) ? 1 : 0);
				}).tags(tags).description("1 if this replica's link to its primary is up").strongReference(true).register(registry));
			}
			Map<String, String> fields = (info.info() != null) ? info.info() : Map.of();
			for (Map.Entry<String, String> entry : fields.entrySet()) {
				String key = entry.getKey();
				if (key.matches("slave\\d+")) {
					String replica = subField(entry.getValue(), "ip") + ":" + subField(entry.getValue(), "port");
					if (this.dynamic.add("replica " + replica)) {
						addAndRegister(registries, (registry, tags) -> Gauge
							.builder("redis.connected.slave.lag", this, (meters) -> replicaLag(meters.current, replica))
							.tags(tags)
							.tag("replica", replica)
							.description("Seconds since the replica last acknowledged replication")
							.baseUnit("seconds")
							.strongReference(true)
							.register(registry));
					}
				}
				else if (key.matches("db\\d+") && this.dynamic.add(key)) {
					addAndRegister(registries, (registry, tags) -> Gauge.builder("redis.db.keys", this, (meters) -> {
						RedisNodeInfo now = meters.current;
						String db = (now != null) ? now.get(key) : null;
						return (db != null) ? RedisNodeInfo.parseDouble(subField(db, "keys")) : ((now != null) ? 0 : Double.NaN);
					}).tags(tags).tag("db", key).description("Keys in the database").strongReference(true).register(registry));
				}
			}
		}

		private void addAndRegister(List<MeterRegistry> registries, MeterSpec spec) {
			this.specs.add(spec);
			for (MeterRegistry registry : registries) {
				this.ids.add(spec.register(registry, this.tags).getId());
			}
		}

		private static double replicaLag(@Nullable RedisNodeInfo info, String replica) {
			if (info == null || info.info() == null) {
				return Double.NaN;
			}
			for (Map.Entry<String, String> entry : info.info().entrySet()) {
				if (entry.getKey().matches("slave\\d+")
						&& replica.equals(subField(entry.getValue(), "ip") + ":" + subField(entry.getValue(), "port"))) {
					return RedisNodeInfo.parseDouble(subField(entry.getValue(), "lag"));
				}
			}
			return Double.NaN;
		}

		void removeAll(List<MeterRegistry> registries) {
			for (MeterRegistry registry : registries) {
				this.ids.forEach(registry::remove);
			}
		}

		private static @Nullable String subField(String value, String name) {
			for (String part : value.split(",")) {
				int equals = part.indexOf('=');
				if (equals > 0 && part.substring(0, equals).equals(name)) {
					return part.substring(equals + 1);
				}
			}
			return null;
		}

	}

	@FunctionalInterface
	private interface MeterSpec {

		Meter register(MeterRegistry registry, String[] tags);

	}

}

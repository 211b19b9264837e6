package dev.redisboot.actuate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.redisboot.core.redis.RedisConnectionEvents;
import dev.redisboot.core.redis.RedisFailureCause;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Asks the application's Redis servers about themselves: {@code INFO}, {@code CLUSTER INFO},
 * {@code SLOWLOG GET}, {@code MEMORY DOCTOR}, {@code CONFIG GET}, and a sampling of the
 * largest keys. On Cluster every node is asked on its own connection; a node that does not
 * answer within the timeout is reported with its error, never waited on longer.
 *
 * @author redisboot
 */
public class RedisServerInspector {

	private final LettuceConnectionFactory connectionFactory;

	private final long timeoutNanos;

	private final Clock clock;

	/**
	 * Creates an inspector.
	 * @param connectionFactory the application's connection factory
	 * @param timeout the longest any one node may take to answer
	 * @param clock the clock that stamps readings
	 */
	public RedisServerInspector(LettuceConnectionFactory connectionFactory, Duration timeout, Clock clock) {
		this.connectionFactory = connectionFactory;
		this.timeoutNanos = timeout.toNanos();
		this.clock = clock;
		// listen from now on, so that a failing reconnect is later reported by its cause
		RedisConnectionEvents.of(connectionFactory.getClientResources());
	}

	/**
	 * How the application reaches Redis.
	 * @return the mode
	 */
	public RedisMode mode() {
		if (this.connectionFactory.getClusterConfiguration() != null) {
			return RedisMode.CLUSTER;
		}
		if (this.connectionFactory.getSentinelConfiguration() != null) {
			return RedisMode.SENTINEL;
		}
		return RedisMode.STANDALONE;
	}

	/**
	 * The connection factory the inspector asks through.
	 * @return the factory
	 */
	public LettuceConnectionFactory getConnectionFactory() {
		return this.connectionFactory;
	}

	/**
	 * Reads {@code INFO} from every node and, on Cluster, {@code CLUSTER INFO}.
	 * @return the reading; never throws for an unreachable Redis
	 */
	public RedisServerSnapshot snapshot() {
		RedisMode mode = mode();
		Instant now = this.clock.instant();
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			List<NodeCommands> nodes = nodes(connection, false);
			Map<String, NodeResult<String>> infos = run(nodes, RedisClusterAsyncCommands::info);
			List<NodeCommands> refusing = nodes.stream()
				.filter((node) -> isRefusal(infos.get(node.node()).error()))
				.toList();
			// a user without INFO (managed services' -@dangerous) still shows whether Redis answers
			Map<String, NodeResult<String>> pings = run(refusing, RedisClusterAsyncCommands::ping);
			List<RedisNodeInfo> readings = new ArrayList<>();
			infos.forEach((node, result) -> {
				NodeResult<String> ping = pings.get(node);
				if (ping != null && ping.value() != null) {
					readings.add(new RedisNodeInfo(node, null, null, result.error()));
				}
				else {
					readings.add(new RedisNodeInfo(node, (result.value() != null) ? parseInfo(result.value()) : null,
							(ping != null) ? ping.error() : result.error()));
				}
			});
			Map<String, String> cluster = Map.of();
			if (mode == RedisMode.CLUSTER) {
				// from the first node that answers: the connection's default node may be the one that is down
				for (NodeCommands node : nodes) {
					if (node.commands() != null && !refusing.contains(node) && infos.get(node.node()).value() != null) {
						NodeResult<String> clusterInfo = await(node.commands().clusterInfo());
						if (clusterInfo.value() != null) {
							cluster = parseInfo(clusterInfo.value());
							break;
						}
					}
				}
			}
			return new RedisServerSnapshot(mode, readings, cluster, null, now);
		}
		catch (RuntimeException ex) {
			String error = describe(ex);
			return new RedisServerSnapshot(mode, List.of(new RedisNodeInfo(configuredNodeName(mode), null, error)),
					Map.of(), error, now);
		}
	}

	/**
	 * Reads the newest slow log entries of every node.
	 * @param count the most entries per node
	 * @return the entries of all nodes, slowest first, and the nodes whose slow log could
	 * not be read
	 */
	public Slowlog slowlog(int count) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			List<SlowlogEntry> entries = new ArrayList<>();
			Map<String, String> unreadable = new LinkedHashMap<>();
			run(nodes(connection, false), (commands) -> commands.slowlogGet(count)).forEach((node, result) -> {
				if (result.value() != null) {
					for (Object entry : result.value()) {
						SlowlogEntry parsed = parseSlowlogEntry(node, entry);
						if (parsed != null) {
							entries.add(parsed);
						}
					}
				}
				else {
					unreadable.put(node, String.valueOf(result.error()));
				}
			});
			entries.sort(Comparator.comparingLong(SlowlogEntry::durationMicros).reversed());
			return new Slowlog(entries, unreadable);
		}
	}

	/**
	 * Asks every node for {@code MEMORY DOCTOR}'s report.
	 * @return each node's report, or its error
	 */
	public Map<String, String> memoryDoctor() {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			Map<String, String> reports = new LinkedHashMap<>();
			run(nodes(connection, false),
					(commands) -> commands.dispatch(CommandType.MEMORY, new StatusOutput<>(ByteArrayCodec.INSTANCE),
							new CommandArgs<>(ByteArrayCodec.INSTANCE).add("DOCTOR")))
				.forEach((node, result) -> reports.put(node,
						(result.value() != null) ? result.value() : "error: " + result.error()));
			return reports;
		}
	}

	/**
	 * Reads one configuration parameter from every node. Managed services often refuse
	 * {@code CONFIG}: such nodes are left out.
	 * @param parameter the parameter, such as {@code save}
	 * @return each answering node's value
	 */
	public Map<String, String> config(String parameter) {
		return configGet(parameter).values();
	}

	/**
	 * Reads one configuration parameter from every node, with the errors of the nodes that
	 * refused or failed.
	 * @param parameter the parameter, such as {@code save}
	 * @return each answering node's value, and each other node's error
	 */
	public NodeAnswers configGet(String parameter) {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			Map<String, String> values = new LinkedHashMap<>();
			Map<String, String> errors = new LinkedHashMap<>();
			run(nodes(connection, false), (commands) -> commands.configGet(parameter)).forEach((node, result) -> {
				if (result.value() != null && result.value().containsKey(parameter)) {
					values.put(node, result.value().get(parameter));
				}
				else {
					errors.put(node, (result.error() != null) ? result.error() : "no such parameter");
				}
			});
			return new NodeAnswers(values, errors);
		}
	}

	/**
	 * Whether an error is Redis refusing a command to the connection's ACL user.
	 * @param error an error, or {@code null}
	 * @return whether it is a {@code NOPERM} answer
	 */
	static boolean isRefusal(@Nullable String error) {
		return error != null && error.startsWith("NOPERM");
	}

	/**
	 * Samples the largest keys with {@code SCAN} and {@code MEMORY USAGE} (pipelined per
	 * scanned batch) on every primary, stopping when the time budget or the key limit is
	 * spent. Scanning costs Redis little at a time, but it does visit keys: keep the budget
	 * small on a busy server.
	 * @param top how many keys to report
	 * @param pattern a {@code MATCH} pattern, or {@code null} for every key
	 * @param budget the time the whole sampling may take
	 * @param maxKeys the most keys to measure
	 * @return the largest keys found
	 */
	public BigKeys bigKeys(int top, @Nullable String pattern, Duration budget, long maxKeys) {
		long start = System.nanoTime();
		PriorityQueue<Measured> largest = new PriorityQueue<>(Comparator.comparingLong(Measured::bytes));
		long scanned = 0;
		boolean complete = true;
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			List<NodeCommands> nodes = nodes(connection, true);
			for (int i = 0; i < nodes.size(); i++) {
				NodeCommands node = nodes.get(i);
				if (node.commands() == null) {
					complete = false;
					continue;
				}
				// each node gets its share of the budget, so one large node does not starve the others
				long deadline = start + budget.toNanos() * (i + 1) / nodes.size();
				try {
					scanned = sampleNode(node, pattern, deadline, maxKeys, scanned, top, largest);
				}
				catch (IncompleteScan ex) {
					scanned = ex.scanned;
					complete = false;
				}
			}
			List<Measured> found = new ArrayList<>(largest);
			found.sort(Comparator.comparingLong(Measured::bytes).reversed());
			List<RedisFuture<String>> types = new ArrayList<>();
			for (Measured measured : found) {
				types.add(measured.node().commands().type(measured.key()));
			}
			List<BigKeys.Key> keys = new ArrayList<>();
			for (int k = 0; k < found.size(); k++) {
				Measured measured = found.get(k);
				String type = awaitOrNull(types.get(k));
				keys.add(new BigKeys.Key(new String(measured.key(), StandardCharsets.UTF_8), measured.node().node(),
						measured.bytes(), ("none".equals(type)) ? null : type));
			}
			return new BigKeys(keys, scanned, complete, Duration.ofNanos(System.nanoTime() - start));
		}
	}

	/**
	 * Samples one node, returning how many keys have been measured in all.
	 * @throws IncompleteScan when the budget, the key limit or a failure ended the scan
	 */
	private long sampleNode(NodeCommands node, @Nullable String pattern, long deadline, long maxKeys, long measured,
			int top, PriorityQueue<Measured> largest) {
		RedisClusterAsyncCommands<byte[], byte[]> commands = node.commands();
		long scanned = measured;
		ScanArgs args = ScanArgs.Builder.limit(500);
		if (pattern != null) {
			args.match(pattern);
		}
		ScanCursor cursor = ScanCursor.INITIAL;
		try {
			do {
				if (System.nanoTime() > deadline || scanned >= maxKeys) {
					throw new IncompleteScan(scanned);
				}
				KeyScanCursor<byte[]> batch = awaitValue(commands.scan(cursor, args));
				int measure = (int) Math.min(batch.getKeys().size(), maxKeys - scanned);
				List<RedisFuture<Long>> sizes = new ArrayList<>(measure);
				for (byte[] key : batch.getKeys().subList(0, measure)) {
					sizes.add(commands.memoryUsage(key));
				}
				for (int k = 0; k < sizes.size(); k++) {
					Long bytes = awaitValue(sizes.get(k));
					scanned++;
					if (bytes != null) {
						largest.add(new Measured(batch.getKeys().get(k), node, bytes));
						if (largest.size() > top) {
							largest.poll();
						}
					}
				}
				if (measure < batch.getKeys().size()) {
					throw new IncompleteScan(scanned);
				}
				cursor = batch;
			}
			while (!cursor.isFinished());
			return scanned;
		}
		catch (IncompleteScan ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// a node that fails or times out mid-scan leaves what was found so far
			throw new IncompleteScan(scanned);
		}
	}

	private List<NodeCommands> nodes(RedisConnection connection, boolean primariesOnly) {
		RedisClusterAsyncCommands<byte[], byte[]> commands = commands(connection);
		if (!(commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster)) {
			return List.of(new NodeCommands(configuredNodeName(mode()), commands, null));
		}
		StatefulRedisClusterConnection<byte[], byte[]> stateful = cluster.getStatefulConnection();
		List<RedisClusterNode> members = new ArrayList<>();
		stateful.getPartitions().forEach(members::add);
		members.sort(Comparator.comparing(RedisServerInspector::nodeName));
		List<NodeCommands> nodes = new ArrayList<>();
		for (RedisClusterNode member : members) {
			if (primariesOnly && !member.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
				continue;
			}
			try {
				CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> node = stateful
					.getConnectionAsync(member.getNodeId())
					.thenApply((c) -> (RedisClusterAsyncCommands<byte[], byte[]>) c.async());
				nodes.add(new NodeCommands(nodeName(member), awaitValue(node), null));
			}
			catch (RuntimeException ex) {
				nodes.add(new NodeCommands(nodeName(member), null, describe(ex)));
			}
		}
		return nodes;
	}

	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> commands(RedisConnection connection) {
		return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
	}

	private <T> Map<String, NodeResult<T>> run(List<NodeCommands> nodes,
			Function<RedisClusterAsyncCommands<byte[], byte[]>, ? extends CompletionStage<T>> command) {
		Map<String, CompletionStage<T>> pending = new LinkedHashMap<>();
		Map<String, NodeResult<T>> results = new LinkedHashMap<>();
		for (NodeCommands node : nodes) {
			if (node.commands() != null) {
				pending.put(node.node(), command.apply(node.commands()));
			}
			results.put(node.node(), new NodeResult<>(null, node.error()));
		}
		pending.forEach((node, future) -> results.put(node, await(future)));
		return results;
	}

	private <T> NodeResult<T> await(CompletionStage<T> future) {
		try {
			return new NodeResult<>(awaitValue(future), null);
		}
		catch (RuntimeException ex) {
			return new NodeResult<>(null, describe(ex));
		}
	}

	private <T> @Nullable T awaitOrNull(CompletionStage<T> future) {
		return await(future).value();
	}

	private <T> T awaitValue(CompletionStage<T> future) {
		try {
			return future.toCompletableFuture().get(this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for Redis", ex);
		}
		catch (TimeoutException ex) {
			future.toCompletableFuture().cancel(false);
			throw new IllegalStateException("Redis did not answer within " + Duration.ofNanos(this.timeoutNanos), ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new IllegalStateException(cause.getMessage(), cause);
		}
	}

	private String configuredNodeName(RedisMode mode) {
		if (mode == RedisMode.SENTINEL && this.connectionFactory.getSentinelConfiguration() != null
				&& this.connectionFactory.getSentinelConfiguration().getMaster() != null) {
			return this.connectionFactory.getSentinelConfiguration().getMaster().getName();
		}
		if (mode == RedisMode.CLUSTER) {
			return "cluster";
		}
		return this.connectionFactory.getHostName() + ":" + this.connectionFactory.getPort();
	}

	private static String nodeName(RedisClusterNode node) {
		return node.getUri().getHost() + ":" + node.getUri().getPort();
	}

	private String describe(Throwable ex) {
		if (ex.getCause() instanceof TimeoutException) {
			// a connection that cannot reconnect (WRONGPASS after a password change) only shows as a timeout
			return RedisConnectionEvents.explainTimeout(this.connectionFactory.getClientResources(), ex.getMessage());
		}
		return RedisFailureCause.of(ex).message();
	}

	/**
	 * Parses the text of {@code INFO} or {@code CLUSTER INFO} into its fields.
	 * @param text the reply
	 * @return the fields, in order
	 */
	public static Map<String, String> parseInfo(String text) {
		Map<String, String> fields = new LinkedHashMap<>();
		for (String line : text.split("\r?\n")) {
			if (line.isEmpty() || line.startsWith("#")) {
				continue;
			}
			int colon = line.indexOf(':');
			if (colon > 0) {
				fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
			}
		}
		return fields;
	}

	private static @Nullable SlowlogEntry parseSlowlogEntry(String node, Object entry) {
		if (!(entry instanceof List<?> fields) || fields.size() < 4) {
			return null;
		}
		long id = asLong(fields.get(0));
		long time = asLong(fields.get(1));
		long micros = asLong(fields.get(2));
		List<?> args = (fields.get(3) instanceof List<?> list) ? list : List.of();
		String command = args.isEmpty() ? "?" : asString(args.get(0)).toUpperCase(java.util.Locale.ROOT);
		String first = (args.size() > 1) ? asString(args.get(1)) : null;
		String client = (fields.size() > 4) ? asString(fields.get(4)) : null;
		return new SlowlogEntry(node, id, Instant.ofEpochSecond(time), micros, command, first, args.size() - 1,
				(client != null && !client.isEmpty()) ? client : null);
	}

	private static long asLong(@Nullable Object value) {
		if (value instanceof Number number) {
			return number.longValue();
		}
		try {
			return Long.parseLong(asString(value));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static String asString(@Nullable Object value) {
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (value instanceof ByteBuffer buffer) {
			return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
		}
		return String.valueOf(value);
	}

	private record NodeCommands(String node, @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands,
			@Nullable String error) {

	}

	/**
	 * What every node answered to one command.
	 *
	 * @param values the answer of each node that answered
	 * @param errors the error of each node that did not
	 */
	public record NodeAnswers(Map<String, String> values, Map<String, String> errors) {

	}

	/**
	 * The slow logs of every node.
	 *
	 * @param entries the entries of all nodes, slowest first
	 * @param unreadable each node whose slow log could not be read, with the reason (such
	 * as {@code NOPERM} for a user without {@code SLOWLOG})
	 */
	public record Slowlog(List<SlowlogEntry> entries, Map<String, String> unreadable) {

	}

	private record NodeResult<T>(@Nullable T value, @Nullable String error) {

	}

	private record Measured(byte[] key, NodeCommands node, long bytes) {

	}

	private static final class IncompleteScan extends RuntimeException {

		private final long scanned;

		IncompleteScan(long scanned) {
			super(null, null, false, false);
			this.scanned = scanned;
		}

	}

}

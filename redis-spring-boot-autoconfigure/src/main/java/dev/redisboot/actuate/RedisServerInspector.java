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
import java.util.Locale;
import java.util.Map;

import dev.redisboot.actuate.RedisNodes.NodeCommands;
import dev.redisboot.actuate.RedisNodes.NodeResult;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Asks the application's Redis servers about themselves: {@code INFO}, {@code CLUSTER INFO},
 * {@code SLOWLOG GET}, {@code MEMORY DOCTOR} and {@code CONFIG GET}; the largest keys are
 * sampled by a {@code BigKeySampler}. On Cluster every node is asked on its own connection; a
 * node that does not answer within the timeout is reported with its error, never waited on
 * longer.
 * <p>
 * Public for the auto-configuration; not API. Readings are shared through
 * {@link RedisServerSnapshots}, the rest is read through the {@code redis} endpoint.
 *
 * @author redisboot
 */
public final class RedisServerInspector {

	private final RedisNodes nodes;

	private final BigKeySampler bigKeySampler;

	private final CacheEntrySampler cacheEntrySampler;

	private final Clock clock;

	/**
	 * Creates an inspector.
	 * @param connectionFactory the application's connection factory
	 * @param timeout the longest any one node may take to answer
	 * @param clock the clock that stamps readings
	 */
	public RedisServerInspector(LettuceConnectionFactory connectionFactory, Duration timeout, Clock clock) {
		this.nodes = new RedisNodes(connectionFactory, timeout);
		this.bigKeySampler = new BigKeySampler(this.nodes);
		this.cacheEntrySampler = new CacheEntrySampler(this.nodes);
		this.clock = clock;
	}

	/**
	 * How the application reaches Redis.
	 * @return the mode
	 */
	RedisMode mode() {
		return this.nodes.mode();
	}

	/**
	 * The connection factory the inspector asks through.
	 * @return the factory
	 */
	LettuceConnectionFactory getConnectionFactory() {
		return this.nodes.connectionFactory();
	}

	/**
	 * Reads {@code INFO} from every node and, on Cluster, {@code CLUSTER INFO}.
	 * @return the reading; never throws for an unreachable Redis
	 */
	RedisServerSnapshot snapshot() {
		RedisMode mode = mode();
		Instant now = this.clock.instant();
		try (RedisConnection connection = this.nodes.connect()) {
			List<NodeCommands> nodes = this.nodes.nodes(connection, false);
			Map<String, NodeResult<String>> infos = this.nodes.run(nodes, RedisClusterAsyncCommands::info);
			List<NodeCommands> refusing = nodes.stream()
				.filter((node) -> isRefusal(infos.get(node.node()).error()))
				.toList();
			// a user without INFO (managed services' -@dangerous) still shows whether Redis answers
			Map<String, NodeResult<String>> pings = this.nodes.run(refusing, RedisClusterAsyncCommands::ping);
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
			Map<String, String> cluster = (mode == RedisMode.CLUSTER) ? clusterInfo(nodes, infos, pings) : Map.of();
			return new RedisServerSnapshot(mode, readings, cluster, null, now);
		}
		catch (RuntimeException ex) {
			String error = this.nodes.describe(ex);
			return new RedisServerSnapshot(mode,
					List.of(new RedisNodeInfo(this.nodes.configuredNodeName(mode), null, error)), Map.of(), error, now);
		}
	}

	/**
	 * {@code CLUSTER INFO} from the first node that answers {@code INFO} or, for a user
	 * without {@code INFO} (managed services' {@code -@dangerous}, which leaves
	 * {@code CLUSTER INFO} allowed), {@code PING}: the connection's default node may be the
	 * one that is down.
	 */
	private Map<String, String> clusterInfo(List<NodeCommands> nodes, Map<String, NodeResult<String>> infos,
			Map<String, NodeResult<String>> pings) {
		for (NodeCommands node : nodes) {
			RedisClusterAsyncCommands<byte[], byte[]> commands = node.commands();
			NodeResult<String> ping = pings.get(node.node());
			boolean answers = infos.get(node.node()).value() != null || (ping != null && ping.value() != null);
			if (commands != null && answers) {
				NodeResult<String> clusterInfo = this.nodes.await(commands.clusterInfo());
				if (clusterInfo.value() != null) {
					return parseInfo(clusterInfo.value());
				}
			}
		}
		return Map.of();
	}

	/**
	 * Reads the newest slow log entries of every node.
	 * @param count the most entries per node
	 * @return the entries of all nodes, slowest first, and the nodes whose slow log could
	 * not be read
	 */
	Slowlog slowlog(int count) {
		try (RedisConnection connection = this.nodes.connect()) {
			List<SlowlogEntry> entries = new ArrayList<>();
			Map<String, String> unreadable = new LinkedHashMap<>();
			this.nodes.run(this.nodes.nodes(connection, false), (commands) -> commands.slowlogGet(count))
				.forEach((node, result) -> {
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
	Map<String, String> memoryDoctor() {
		try (RedisConnection connection = this.nodes.connect()) {
			Map<String, String> reports = new LinkedHashMap<>();
			this.nodes
				.run(this.nodes.nodes(connection, false),
						(commands) -> commands.dispatch(CommandType.MEMORY, new StatusOutput<>(ByteArrayCodec.INSTANCE),
								new CommandArgs<>(ByteArrayCodec.INSTANCE).add("DOCTOR")))
				.forEach((node, result) -> reports.put(node,
						(result.value() != null) ? result.value() : "error: " + result.error()));
			return reports;
		}
	}

	/**
	 * Reads one configuration parameter from every node, with the errors of the nodes that
	 * refused or failed. Managed services often refuse {@code CONFIG}.
	 * @param parameter the parameter, such as {@code save}
	 * @return each answering node's value, and each other node's error
	 */
	NodeAnswers configGet(String parameter) {
		try (RedisConnection connection = this.nodes.connect()) {
			Map<String, String> values = new LinkedHashMap<>();
			Map<String, String> errors = new LinkedHashMap<>();
			this.nodes.run(this.nodes.nodes(connection, false), (commands) -> commands.configGet(parameter))
				.forEach((node, result) -> {
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
	 * Samples the largest keys on every primary within a time budget; see
	 * {@code BigKeySampler}. Scanning costs Redis little at a time, but it does visit keys:
	 * keep the budget small on a busy server.
	 * @param top how many keys to report
	 * @param pattern a {@code MATCH} pattern, or {@code null} for every key
	 * @param budget the time the whole sampling may take
	 * @param maxKeys the most keys to measure
	 * @return the largest keys found
	 */
	BigKeys bigKeys(int top, @Nullable String pattern, Duration budget, long maxKeys) {
		return this.bigKeySampler.sample(top, pattern, budget, maxKeys);
	}

	/**
	 * Counts one cache's entries and measures some of them within a time budget; see
	 * {@code CacheEntrySampler}.
	 * @param pattern the {@code MATCH} pattern of the cache's entries
	 * @param budget the time the sampling may take
	 * @param maxKeys the most keys to count
	 * @param memorySamples the most entries to measure
	 * @return what was found
	 */
	CacheEntrySampler.CacheSample cacheSample(String pattern, Duration budget, long maxKeys, int memorySamples) {
		return this.cacheEntrySampler.sample(pattern, budget, maxKeys, memorySamples);
	}

	/**
	 * Parses the text of {@code INFO} or {@code CLUSTER INFO} into its fields.
	 * @param text the reply
	 * @return the fields, in order
	 */
	static Map<String, String> parseInfo(String text) {
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
		String command = args.isEmpty() ? "?" : asString(args.get(0)).toUpperCase(Locale.ROOT);
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

	/**
	 * What every node answered to one command.
	 *
	 * @param values the answer of each node that answered
	 * @param errors the error of each node that did not
	 */
	record NodeAnswers(Map<String, String> values, Map<String, String> errors) {

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

}

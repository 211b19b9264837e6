package dev.redisboot.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.redisboot.core.redis.RedisConnectionEvents;
import dev.redisboot.core.redis.RedisFailureCause;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis servers behind the application's connection, one by one: on Cluster every node
 * on its own connection, otherwise the one server. A command is sent to every node at once
 * and each answer awaited for at most the timeout; a node that does not answer in time is
 * reported with its error, never waited on longer.
 *
 * @author redisboot
 */
final class RedisNodes {

	private final LettuceConnectionFactory connectionFactory;

	private final long timeoutNanos;

	RedisNodes(LettuceConnectionFactory connectionFactory, Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.timeoutNanos = timeout.toNanos();
		// listen from now on, so that a failing reconnect is later reported by its cause
		RedisConnectionEvents.of(connectionFactory.getClientResources());
	}

	LettuceConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	RedisMode mode() {
		if (this.connectionFactory.getClusterConfiguration() != null) {
			return RedisMode.CLUSTER;
		}
		if (this.connectionFactory.getSentinelConfiguration() != null) {
			return RedisMode.SENTINEL;
		}
		return RedisMode.STANDALONE;
	}

	RedisConnection connect() {
		return this.connectionFactory.getConnection();
	}

	/**
	 * Returns the nodes behind a connection.
	 * @param connection the connection
	 * @param primariesOnly whether to leave out Cluster replicas
	 * @return each node with its commands, or the error that kept it from being connected
	 */
	List<NodeCommands> nodes(RedisConnection connection, boolean primariesOnly) {
		RedisClusterAsyncCommands<byte[], byte[]> commands = commands(connection);
		if (!(commands instanceof RedisAdvancedClusterAsyncCommands<byte[], byte[]> cluster)) {
			return List.of(new NodeCommands(configuredNodeName(mode()), commands, null));
		}
		StatefulRedisClusterConnection<byte[], byte[]> stateful = cluster.getStatefulConnection();
		List<RedisClusterNode> members = new ArrayList<>();
		stateful.getPartitions().forEach(members::add);
		members.sort(Comparator.comparing(RedisNodes::nodeName));
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

	/**
	 * Sends a command to every node at once and awaits each answer.
	 * @return each node's answer or error, in the nodes' order
	 */
	<T> Map<String, NodeResult<T>> run(List<NodeCommands> nodes,
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

	<T> NodeResult<T> await(CompletionStage<T> future) {
		try {
			return new NodeResult<>(awaitValue(future), null);
		}
		catch (RuntimeException ex) {
			return new NodeResult<>(null, describe(ex));
		}
	}

	/**
	 * Awaits an answer for at most the timeout.
	 * @throws IllegalStateException if none came in time, the command failed, or the caller
	 * was interrupted
	 */
	<T> T awaitValue(CompletionStage<T> future) {
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

	String configuredNodeName(RedisMode mode) {
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

	String describe(Throwable ex) {
		if (ex.getCause() instanceof TimeoutException) {
			// a connection that cannot reconnect (WRONGPASS after a password change) only shows as a timeout
			return RedisConnectionEvents.explainTimeout(this.connectionFactory.getClientResources(), ex.getMessage());
		}
		return RedisFailureCause.of(ex).message();
	}

	/**
	 * One node and the commands to ask it with.
	 *
	 * @param node the node's name
	 * @param commands its commands, or {@code null} if it could not be connected
	 * @param error why it could not be connected, or {@code null}
	 */
	record NodeCommands(String node, @Nullable RedisClusterAsyncCommands<byte[], byte[]> commands,
			@Nullable String error) {

	}

	/**
	 * One node's answer or error.
	 *
	 * @param value the answer, or {@code null}
	 * @param error the error, or {@code null}
	 */
	record NodeResult<T>(@Nullable T value, @Nullable String error) {

	}

}

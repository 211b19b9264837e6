package dev.redisboot.actuate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import dev.redisboot.actuate.RedisNodes.NodeCommands;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;

/**
 * Samples the largest keys with {@code SCAN} and {@code MEMORY USAGE} (pipelined per scanned
 * batch) on every primary, stopping when the time budget or the key limit is spent. Each
 * primary gets its share of the budget, so one large node does not starve the others; a
 * node that fails or times out mid-scan leaves what was found so far, and the result says
 * it is incomplete.
 *
 * @author redisboot
 */
final class BigKeySampler {

	private static final int SCAN_BATCH = 500;

	private final RedisNodes nodes;

	BigKeySampler(RedisNodes nodes) {
		this.nodes = nodes;
	}

	/**
	 * Samples the largest keys.
	 * @param top how many keys to report
	 * @param pattern a {@code MATCH} pattern, or {@code null} for every key
	 * @param budget the time the whole sampling may take
	 * @param maxKeys the most keys to measure
	 * @return the largest keys found
	 */
	BigKeys sample(int top, @Nullable String pattern, Duration budget, long maxKeys) {
		long start = System.nanoTime();
		PriorityQueue<Measured> largest = new PriorityQueue<>(Comparator.comparingLong(Measured::bytes));
		long scanned = 0;
		boolean complete = true;
		try (RedisConnection connection = this.nodes.connect()) {
			List<NodeCommands> primaries = this.nodes.nodes(connection, true);
			for (int i = 0; i < primaries.size(); i++) {
				NodeCommands node = primaries.get(i);
				if (node.commands() == null) {
					complete = false;
					continue;
				}
				long deadline = start + budget.toNanos() * (i + 1) / primaries.size();
				try {
					scanned = sampleNode(node, node.commands(), pattern, deadline, maxKeys, scanned, top, largest);
				}
				catch (IncompleteScan ex) {
					scanned = ex.scanned;
					complete = false;
				}
			}
			return new BigKeys(describe(largest), scanned, complete, Duration.ofNanos(System.nanoTime() - start));
		}
	}

	/**
	 * Samples one node, returning how many keys have been measured in all.
	 * @throws IncompleteScan when the budget, the key limit or a failure ended the scan
	 */
	private long sampleNode(NodeCommands node, RedisClusterAsyncCommands<byte[], byte[]> commands,
			@Nullable String pattern, long deadline, long maxKeys, long measured, int top,
			PriorityQueue<Measured> largest) {
		long scanned = measured;
		ScanArgs args = ScanArgs.Builder.limit(SCAN_BATCH);
		if (pattern != null) {
			args.match(pattern);
		}
		ScanCursor cursor = ScanCursor.INITIAL;
		try {
			do {
				if (System.nanoTime() > deadline || scanned >= maxKeys) {
					throw new IncompleteScan(scanned);
				}
				KeyScanCursor<byte[]> batch = this.nodes.awaitValue(commands.scan(cursor, args));
				int measure = (int) Math.min(batch.getKeys().size(), maxKeys - scanned);
				List<RedisFuture<Long>> sizes = new ArrayList<>(measure);
				for (byte[] key : batch.getKeys().subList(0, measure)) {
					sizes.add(commands.memoryUsage(key));
				}
				for (int k = 0; k < sizes.size(); k++) {
					Long bytes = this.nodes.awaitValue(sizes.get(k));
					scanned++;
					if (bytes != null) {
						largest.add(new Measured(batch.getKeys().get(k), node.node(), commands, bytes));
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

	/**
	 * The keys found, largest first, with their types (asked of every key at once).
	 */
	private List<BigKeys.Key> describe(PriorityQueue<Measured> largest) {
		List<Measured> found = new ArrayList<>(largest);
		found.sort(Comparator.comparingLong(Measured::bytes).reversed());
		List<RedisFuture<String>> types = new ArrayList<>();
		for (Measured measured : found) {
			types.add(measured.commands().type(measured.key()));
		}
		List<BigKeys.Key> keys = new ArrayList<>();
		for (int k = 0; k < found.size(); k++) {
			Measured measured = found.get(k);
			String type = this.nodes.await(types.get(k)).value();
			keys.add(new BigKeys.Key(new String(measured.key(), StandardCharsets.UTF_8), measured.node(),
					measured.bytes(), ("none".equals(type)) ? null : type));
		}
		return keys;
	}

	private record Measured(byte[] key, String node, RedisClusterAsyncCommands<byte[], byte[]> commands, long bytes) {

	}

	private static final class IncompleteScan extends RuntimeException {

		private final long scanned;

		IncompleteScan(long scanned) {
			super(null, null, false, false);
			this.scanned = scanned;
		}

	}

}

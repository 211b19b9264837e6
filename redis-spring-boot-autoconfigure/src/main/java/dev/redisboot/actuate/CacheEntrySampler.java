package dev.redisboot.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.redisboot.actuate.RedisNodes.NodeCommands;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import org.springframework.data.redis.connection.RedisConnection;

/**
 * Counts one cache's entries with {@code SCAN MATCH <the cache's pattern>} on every primary
 * and measures some of them with pipelined {@code MEMORY USAGE} and {@code STRLEN}, within a
 * time budget and a key limit, as the big-key sampler does. Each primary gets its share of
 * the budget; a node that fails or times out leaves what was counted so far, and the sample
 * says it is incomplete.
 *
 * @author redisboot
 */
final class CacheEntrySampler {

	private static final int SCAN_BATCH = 500;

	private final RedisNodes nodes;

	CacheEntrySampler(RedisNodes nodes) {
		this.nodes = nodes;
	}

	/**
	 * Samples one cache.
	 * @param pattern the {@code MATCH} pattern of the cache's entries
	 * @param budget the time the sampling may take
	 * @param maxKeys the most keys to count
	 * @param memorySamples the most entries to measure
	 * @return what was found
	 */
	CacheSample sample(String pattern, Duration budget, long maxKeys, int memorySamples) {
		long start = System.nanoTime();
		Counts counts = new Counts();
		boolean complete = true;
		try (RedisConnection connection = this.nodes.connect()) {
			List<NodeCommands> primaries = this.nodes.nodes(connection, true);
			for (int i = 0; i < primaries.size(); i++) {
				NodeCommands node = primaries.get(i);
				RedisClusterAsyncCommands<byte[], byte[]> commands = node.commands();
				if (commands == null) {
					complete = false;
					continue;
				}
				long deadline = start + budget.toNanos() * (i + 1) / primaries.size();
				// each primary measures its share of the entries, so that one node does not take them all
				int measureHere = (memorySamples - counts.measured) / (primaries.size() - i);
				complete &= sampleNode(commands, pattern, deadline, maxKeys, measureHere, counts);
			}
		}
		catch (RuntimeException ex) {
			complete = false;
		}
		return new CacheSample(counts.entries, complete, counts.measured, counts.memory, counts.values,
				Duration.ofNanos(System.nanoTime() - start));
	}

	/**
	 * Samples one node.
	 * @return whether the scan reached the end of the node's keyspace
	 */
	private boolean sampleNode(RedisClusterAsyncCommands<byte[], byte[]> commands, String pattern, long deadline,
			long maxKeys, int measure, Counts counts) {
		ScanArgs args = ScanArgs.Builder.limit(SCAN_BATCH).match(pattern);
		ScanCursor cursor = ScanCursor.INITIAL;
		int measuredHere = 0;
		try {
			do {
				if (System.nanoTime() > deadline || counts.entries >= maxKeys) {
					return false;
				}
				KeyScanCursor<byte[]> batch = this.nodes.awaitValue(commands.scan(cursor, args));
				List<byte[]> keys = batch.getKeys();
				long room = maxKeys - counts.entries;
				int counted = (int) Math.min(keys.size(), room);
				counts.entries += counted;
				int toMeasure = Math.min(counted, measure - measuredHere);
				if (toMeasure > 0) {
					List<RedisFuture<Long>> memory = new ArrayList<>(toMeasure);
					List<RedisFuture<Long>> lengths = new ArrayList<>(toMeasure);
					for (byte[] key : keys.subList(0, toMeasure)) {
						memory.add(commands.memoryUsage(key));
						lengths.add(commands.strlen(key));
					}
					for (int k = 0; k < toMeasure; k++) {
						Long bytes = this.nodes.awaitValue(memory.get(k));
						Long length = awaitLength(lengths.get(k));
						if (bytes != null) {
							// an entry that expired between SCAN and MEMORY USAGE has no size
							counts.measured++;
							measuredHere++;
							counts.memory += bytes;
							counts.values += (length != null) ? length : 0;
						}
					}
				}
				if (counted < keys.size()) {
					return false;
				}
				cursor = batch;
			}
			while (!cursor.isFinished());
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private Long awaitLength(RedisFuture<Long> length) {
		// STRLEN of a key of another type (garbage under the cache's pattern) is WRONGTYPE: no value size
		RedisNodes.NodeResult<Long> result = this.nodes.await(length);
		return (result.value() != null) ? result.value() : 0L;
	}

	private static final class Counts {

		long entries;

		int measured;

		long memory;

		long values;

	}

	/**
	 * What one sampling of a cache found.
	 *
	 * @param entries the entries counted
	 * @param complete whether every primary was scanned to its end (otherwise the budget,
	 * the key limit or a failure stopped the scan, and {@code entries} is a lower bound)
	 * @param measured the entries whose size was measured
	 * @param measuredMemory the {@code MEMORY USAGE} of the measured entries, in bytes
	 * @param measuredValues the {@code STRLEN} of the measured entries, in bytes
	 * @param elapsed how long the sampling took
	 */
	record CacheSample(long entries, boolean complete, long measured, long measuredMemory, long measuredValues,
			Duration elapsed) {

		/**
		 * The mean memory of an entry (key, value and Redis's overhead).
		 * @return bytes, or {@code -1} when nothing was measured
		 */
		long meanEntryBytes() {
			return (this.measured > 0) ? Math.round((double) this.measuredMemory / this.measured) : -1;
		}

		/**
		 * The mean size of a stored value, as written (compressed, if it was).
		 * @return bytes, or {@code -1} when nothing was measured
		 */
		long meanValueBytes() {
			return (this.measured > 0) ? Math.round((double) this.measuredValues / this.measured) : -1;
		}

		/**
		 * The estimated memory of all entries counted.
		 * @return bytes, or {@code -1} when nothing was measured
		 */
		long estimatedBytes() {
			return (this.measured > 0) ? Math.round((double) this.measuredMemory / this.measured * this.entries) : -1;
		}

	}

}

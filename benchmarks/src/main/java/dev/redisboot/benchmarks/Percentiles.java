package dev.redisboot.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The statistics the benchmarks print: nearest-rank percentiles of sorted latencies and the
 * median of rounds.
 *
 * @author redisboot
 */
final class Percentiles {

	private Percentiles() {
	}

	/**
	 * Nearest-rank percentile of sorted values.
	 * @param sorted the values, sorted
	 * @param fraction the percentile, 0 to 1
	 * @return the value
	 */
	static long nearestRank(long[] sorted, double fraction) {
		int rank = (int) Math.ceil(fraction * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

	/**
	 * All threads' values in one sorted array.
	 * @param perThread the values of each thread
	 * @return all values, sorted
	 */
	static long[] sortedAll(long[][] perThread) {
		return Arrays.stream(perThread).flatMapToLong(Arrays::stream).sorted().toArray();
	}

	/**
	 * The median: the middle value, or the mean of the two middle ones.
	 * @param values the values, in any order (not changed)
	 * @return their median
	 */
	static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	/**
	 * The median of one figure of a number of results.
	 * @param <T> the result type
	 * @param results the results, for example one a round
	 * @param figure the figure of a result
	 * @return its median
	 */
	static <T> double median(List<T> results, ToDoubleFunction<T> figure) {
		return median(results.stream().mapToDouble(figure).toArray());
	}

}

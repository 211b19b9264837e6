package dev.redisboot.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The round runner of the concurrency benchmarks' {@code main}: every round runs every
 * case once, in an order rotated each round (interleaved, so that drift in a shared
 * machine's load spreads over all cases), and keeps each case's results by round.
 *
 * @author redisboot
 */
final class InterleavedRounds {

	private InterleavedRounds() {
	}

	/**
	 * Every implementation at every thread count, on one shared resource (hot) and on one of
	 * each thread's own (spread): hot first, then by thread count, then by implementation.
	 * @param <I> the implementation type
	 * @param implementations what is compared
	 * @param threadCounts the thread counts
	 * @return the cases
	 */
	static <I extends Enum<I>> List<Case<I>> hotAndSpread(I[] implementations, int[] threadCounts) {
		List<Case<I>> cases = new ArrayList<>();
		for (boolean hot : new boolean[] { true, false }) {
			for (int threads : threadCounts) {
				for (I implementation : implementations) {
					cases.add(new Case<>(implementation, threads, hot));
				}
			}
		}
		return cases;
	}

	/**
	 * Runs the rounds, printing {@code round n of m done} after each.
	 * @param <C> the case type
	 * @param <R> the result type
	 * @param cases the cases, in their order of the first round
	 * @param rounds how many rounds
	 * @param trial runs one case
	 * @return the results of each case, one a round, in the cases' order
	 * @throws InterruptedException if interrupted
	 */
	static <C, R> Map<C, List<R>> run(List<C> cases, int rounds, Trial<C, R> trial) throws InterruptedException {
		Map<C, List<R>> runs = new LinkedHashMap<>();
		cases.forEach((name) -> runs.put(name, new ArrayList<>()));
		for (int round = 0; round < rounds; round++) {
			List<C> order = new ArrayList<>(cases);
			Collections.rotate(order, round * 5);
			for (C each : order) {
				runs.get(each).add(trial.run(each));
			}
			System.out.printf("round %d of %d done%n", round + 1, rounds);
		}
		return runs;
	}

	/**
	 * Runs one case.
	 *
	 * @param <C> the case type
	 * @param <R> the result type
	 */
	@FunctionalInterface
	interface Trial<C, R> {

		R run(C each) throws InterruptedException;

	}

	/**
	 * One case of {@link #hotAndSpread}.
	 *
	 * @param <I> the implementation type
	 * @param implementation what runs
	 * @param threads how many threads
	 * @param hot whether all threads share one resource
	 */
	record Case<I extends Enum<I>>(I implementation, int threads, boolean hot) {

		String resource() {
			return this.hot ? "hot" : "spread";
		}

	}

}

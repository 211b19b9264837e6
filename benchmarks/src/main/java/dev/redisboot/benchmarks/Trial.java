package dev.redisboot.benchmarks;

import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The trial set-up of a benchmark state: what a failed set-up started (a redis-server,
 * applications, connections) is stopped again by the state's own tear-down, so that no
 * server outlives the trial.
 *
 * @author redisboot
 */
final class Trial {

	private Trial() {
	}

	/**
	 * Runs a set-up; when it fails, runs the tear-down and rethrows the set-up's failure
	 * (with the tear-down's, if that fails too, suppressed).
	 * @param setUp the set-up, after the state's first resource was started
	 * @param tearDown the state's tear-down, which copes with a partial set-up
	 */
	static void setUp(Runnable setUp, Runnable tearDown) {
		try {
			setUp.run();
		}
		catch (RuntimeException ex) {
			try {
				tearDown.run();
			}
			catch (RuntimeException failure) {
				ex.addSuppressed(failure);
			}
			throw ex;
		}
	}

	/**
	 * What a trial's summary line is about: the benchmark method and the threads.
	 * @param params the trial's parameters
	 * @return for example {@code redisboot, 16 threads}
	 */
	static String label(BenchmarkParams params) {
		String benchmark = params.getBenchmark();
		return benchmark.substring(benchmark.lastIndexOf('.') + 1) + ", " + params.getThreads() + " threads";
	}

}

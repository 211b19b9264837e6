package dev.redisboot.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * Runs a try (a lock acquisition, a rate-limit decision) from a number of threads at once,
 * each the same number of times, started together behind a latch, and measures each try's
 * latency, the throughput and the client commands per try.
 *
 * @author redisboot
 */
final class ConcurrentTries {

	private ConcurrentTries() {
	}

	/**
	 * Runs the tries.
	 * @param threads the threads
	 * @param triesPerThread tries each thread makes
	 * @param commands the client's command count (see {@link CommandCounter#counting})
	 * @param tries each thread's try, by thread number, made before the threads start; it
	 * returns whether it succeeded
	 * @return the outcome
	 * @throws InterruptedException if interrupted while waiting for the threads
	 */
	static Outcome run(int threads, int triesPerThread, AtomicLong commands, IntFunction<BooleanSupplier> tries)
			throws InterruptedException {
		long[][] latencies = new long[threads][triesPerThread];
		AtomicLong succeeded = new AtomicLong();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch ready = new CountDownLatch(threads);
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(pool.submit(() -> {
					BooleanSupplier attempt = tries.apply(thread);
					ready.countDown();
					start.await();
					long[] mine = latencies[thread];
					long taken = 0;
					for (int i = 0; i < triesPerThread; i++) {
						long begin = System.nanoTime();
						if (attempt.getAsBoolean()) {
							taken++;
						}
						mine[i] = System.nanoTime() - begin;
					}
					succeeded.addAndGet(taken);
					return null;
				}));
			}
			ready.await();
			long before = commands.get();
			long began = System.nanoTime();
			start.countDown();
			for (Future<?> future : futures) {
				future.get(10, TimeUnit.MINUTES);
			}
			long elapsed = System.nanoTime() - began;
			long total = (long) threads * triesPerThread;
			long[] all = Percentiles.sortedAll(latencies);
			return new Outcome(total, succeeded.get(), total * 1e9 / elapsed,
					Percentiles.nearestRank(all, 0.50) / 1e3, Percentiles.nearestRank(all, 0.99) / 1e3,
					(double) (commands.get() - before) / total);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			pool.shutdownNow();
		}
	}

	/**
	 * The outcome of one concurrent run.
	 *
	 * @param tries tries made
	 * @param succeeded tries that succeeded
	 * @param triesPerSecond throughput
	 * @param p50Micros median latency of a try
	 * @param p99Micros 99th percentile of that latency
	 * @param commandsPerTry client commands (round trips) per try
	 */
	record Outcome(long tries, long succeeded, double triesPerSecond, double p50Micros, double p99Micros,
			double commandsPerTry) {

	}

}

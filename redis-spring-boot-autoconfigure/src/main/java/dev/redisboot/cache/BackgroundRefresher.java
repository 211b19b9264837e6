package dev.redisboot.cache;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs background refreshes of cache entries on a few daemon threads with a bounded queue;
 * a refresh that finds the queue full is rejected (the entry is then refreshed on a later
 * hit, or loaded after it expires).
 */
final class BackgroundRefresher implements java.util.concurrent.Executor, AutoCloseable {

	private static final int QUEUE_CAPACITY = 1000;

	private final ThreadPoolExecutor executor;

	BackgroundRefresher(int threads) {
		this(threads, "redisboot-cache-refresh-");
	}

	/**
	 * Creates a pool.
	 * @param threads most threads
	 * @param namePrefix what its threads' names start with
	 */
	BackgroundRefresher(int threads, String namePrefix) {
		AtomicInteger count = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(QUEUE_CAPACITY), (task) -> {
					Thread thread = new Thread(task, namePrefix + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.executor.allowCoreThreadTimeOut(true);
	}

	/**
	 * Queues a refresh.
	 * @param refresh the refresh
	 * @return whether it was queued
	 */
	boolean submit(Runnable refresh) {
		try {
			this.executor.execute(refresh);
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	/**
	 * Runs a task on the pool.
	 * @throws RejectedExecutionException when the queue is full or the pool closed
	 */
	@Override
	public void execute(Runnable task) {
		this.executor.execute(task);
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}

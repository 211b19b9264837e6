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
final class BackgroundRefresher implements AutoCloseable {

	private static final int QUEUE_CAPACITY = 1000;

	private final ThreadPoolExecutor executor;

	BackgroundRefresher(int threads) {
		AtomicInteger count = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(QUEUE_CAPACITY), (task) -> {
					Thread thread = new Thread(task, "redisboot-cache-refresh-" + count.incrementAndGet());
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

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}

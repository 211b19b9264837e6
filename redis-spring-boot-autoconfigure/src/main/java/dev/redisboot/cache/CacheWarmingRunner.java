package dev.redisboot.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.cache.CacheManager;
import org.springframework.context.ApplicationListener;

/**
 * Runs the {@link CacheWarmer} beans once the context has started: in the background, or
 * before the application reports ready when told to wait, and never longer than the timeout,
 * after which unfinished warmers are interrupted.
 * <p>
 * Public for the auto-configuration; not API.
 */
public class CacheWarmingRunner implements ApplicationListener<ApplicationStartedEvent>, DisposableBean {

	private static final Log logger = LogFactory.getLog(CacheWarmingRunner.class);

	private static final AtomicInteger threadCounter = new AtomicInteger();

	private final Map<String, CacheWarmer> warmers;

	private final CacheManager cacheManager;

	private final Duration timeout;

	private final boolean waitForCompletion;

	private final CacheWarmingListener listener;

	private final ExecutorService executor;

	private final ScheduledExecutorService timer;

	private volatile CompletableFuture<Void> completion = CompletableFuture.completedFuture(null);

	/**
	 * Creates a runner.
	 * @param warmers the warmers by bean name
	 * @param cacheManager the cache manager they fill
	 * @param timeout how long warming may take in all
	 * @param waitForCompletion whether startup waits for warming (up to the timeout)
	 * @param listener told how each warmer ended
	 */
	public CacheWarmingRunner(Map<String, CacheWarmer> warmers, CacheManager cacheManager, Duration timeout,
			boolean waitForCompletion, CacheWarmingListener listener) {
		this.warmers = Map.copyOf(warmers);
		this.cacheManager = cacheManager;
		this.timeout = timeout;
		this.waitForCompletion = waitForCompletion;
		this.listener = listener;
		// Warmers and their timeouts run on separate threads, so busy warmers cannot delay a timeout.
		this.executor = Executors.newFixedThreadPool(Math.max(1, Math.min(this.warmers.size(), 4)),
				(runnable) -> daemon(runnable, "redisboot-cache-warmer-"));
		this.timer = Executors.newSingleThreadScheduledExecutor(
				(runnable) -> daemon(runnable, "redisboot-cache-warming-timer-"));
	}

	private static Thread daemon(Runnable runnable, String namePrefix) {
		Thread thread = new Thread(runnable, namePrefix + threadCounter.incrementAndGet());
		thread.setDaemon(true);
		return thread;
	}

	@Override
	public void onApplicationEvent(ApplicationStartedEvent event) {
		if (this.warmers.isEmpty()) {
			return;
		}
		List<CompletableFuture<Void>> runs = new ArrayList<>();
		this.warmers.forEach((name, warmer) -> runs.add(start(name, warmer)));
		this.completion = CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new));
		this.completion.whenComplete((result, ex) -> destroy());
		if (this.waitForCompletion) {
			awaitCompletion();
		}
	}

	private CompletableFuture<Void> start(String name, CacheWarmer warmer) {
		CompletableFuture<Void> done = new CompletableFuture<>();
		AtomicBoolean reported = new AtomicBoolean();
		long start = System.nanoTime();
		Runnable report = () -> done.complete(null);
		Future<?> task = this.executor.submit(() -> {
			try {
				warmer.warm(this.cacheManager);
				if (reported.compareAndSet(false, true)) {
					this.listener.warmed(name, "success", System.nanoTime() - start);
				}
			}
			catch (Exception ex) {
				if (reported.compareAndSet(false, true)) {
					logger.warn("Cache warmer '" + name + "' failed; the application runs on with colder caches", ex);
					this.listener.warmed(name, "failure", System.nanoTime() - start);
				}
			}
			finally {
				report.run();
			}
		});
		this.timer.schedule(() -> {
			if (!task.isDone() && reported.compareAndSet(false, true)) {
				// report before cancelling: the cancelled warmer's own completion may end warming
				this.listener.warmed(name, "timeout", System.nanoTime() - start);
				logger.warn("Cache warmer '" + name + "' did not finish within " + this.timeout
						+ " (redisboot.cache.warming.timeout) and was interrupted");
				task.cancel(true);
				report.run();
			}
		}, this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		return done;
	}

	/**
	 * Waits until every warmer has ended (finished, failed or timed out), at most a little
	 * longer than the warming timeout.
	 */
	public void awaitCompletion() {
		try {
			this.completion.get(this.timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			logger.warn("Cache warming did not end in time; startup goes on", ex);
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
		this.timer.shutdownNow();
	}

}

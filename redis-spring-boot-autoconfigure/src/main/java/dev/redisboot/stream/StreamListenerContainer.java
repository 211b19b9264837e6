package dev.redisboot.stream;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.WarnOnce;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.Assert;

/**
 * Runs the consumers of every {@link StreamSubscription}: for each, {@code concurrency}
 * consumers ({@code StreamWorker}) that each read on a thread and a connection of their
 * own, hand entries to the handler, acknowledge them after it returns, schedule retries and
 * dead letters when it throws ({@code StreamEntryProcessor}), and reclaim entries that dead
 * consumers left pending. One scheduler thread moves due delayed entries into their streams
 * ({@code DueEntryMover}) and refreshes the backlog figures.
 * <p>
 * Nothing a handler throws, and no Redis failure, ends a consumer. Stopping stops reading,
 * lets entries in hand finish, and removes this instance's consumers from their groups if
 * they hold no pending entries.
 * <p>
 * {@code @RedisStreamListener} and {@code @JobHandler} methods are registered here by the
 * auto-configuration. An application adds handlers of its own, or supplies the consumers'
 * threads, with a {@code StreamListenerContainerCustomizer} bean, before the container starts.
 *
 * @author redisboot
 */
public final class StreamListenerContainer implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(StreamListenerContainer.class);

	private final LettuceConnectionFactory connectionFactory;

	private final StreamMetrics metrics;

	private final StreamSettings defaultSettings;

	private final Duration delayedPollInterval;

	private final Duration statsInterval;

	private final Duration shutdownTimeout;

	private final String instanceId;

	private final ConsumerContext context;

	private final DueEntryMover mover;

	private final List<StreamSubscription> subscriptions = new ArrayList<>();

	private final Map<String, Long> streamMaxLengths = new LinkedHashMap<>();

	private final Map<String, Long> deadLetterMaxLengths = new LinkedHashMap<>();

	private final List<StreamWorker> workers = new ArrayList<>();

	private ThreadFactory threadFactory = StreamListenerContainer::daemonThread;

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean running;

	/**
	 * Creates a container.
	 * @param connectionFactory Boot's connection factory, whose client opens the consumers'
	 * connections
	 * @param store the Redis side
	 * @param metrics the metrics
	 * @param defaultSettings settings of subscriptions that do not say otherwise
	 * ({@code redisboot.stream.*})
	 * @param delayedPollInterval how often due delayed entries are moved into their stream
	 * @param statsInterval how often the backlog figures are refreshed
	 * @param shutdownTimeout how long stopping waits for entries in hand
	 */
	public StreamListenerContainer(LettuceConnectionFactory connectionFactory, StreamStore store, StreamMetrics metrics,
			StreamSettings defaultSettings, Duration delayedPollInterval, Duration statsInterval,
			Duration shutdownTimeout) {
		this.connectionFactory = connectionFactory;
		this.metrics = metrics;
		this.defaultSettings = defaultSettings;
		this.delayedPollInterval = delayedPollInterval;
		this.statsInterval = statsInterval;
		this.shutdownTimeout = shutdownTimeout;
		this.instanceId = instanceId();
		this.context = new ConsumerContext(store, metrics, new WarnOnce(logger), this::isRunning);
		this.mover = new DueEntryMover(this.context);
	}

	private static String instanceId() {
		String jvm = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
		return jvm.replaceAll("[^A-Za-z0-9@._-]", "") + "-" + UUID.randomUUID().toString().substring(0, 6);
	}

	private static Thread daemonThread(Runnable task) {
		Thread thread = new Thread(task);
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * Adds a subscription; takes effect at {@link #start()}.
	 * @param subscription the subscription
	 */
	public synchronized void register(StreamSubscription subscription) {
		Assert.notNull(subscription, "'subscription' must not be null");
		this.subscriptions.add(subscription);
		this.streamMaxLengths.merge(subscription.stream(), subscription.settings().maxLength(), Math::max);
		this.deadLetterMaxLengths.merge(subscription.stream(), subscription.settings().deadLetterMaxLength(),
				Math::max);
	}

	/**
	 * Returns the settings of subscriptions that do not say otherwise, from
	 * {@code redisboot.stream.*}: a start for the settings of a subscription the application
	 * registers itself.
	 * @return the settings
	 */
	public StreamSettings getDefaultSettings() {
		return this.defaultSettings;
	}

	/**
	 * Returns the subscriptions.
	 * @return the subscriptions
	 */
	public synchronized List<StreamSubscription> getSubscriptions() {
		return List.copyOf(this.subscriptions);
	}

	/**
	 * Sets the factory of the consumers' threads, one per consumer, each named
	 * {@code redisboot-stream-<subscription>-<n>} after it is made. By default, daemon
	 * platform threads; on Java 21 and later, {@code Thread.ofVirtual().factory()} runs the
	 * consumers on virtual threads. Takes effect at {@link #start()}.
	 * @param threadFactory the factory
	 */
	public synchronized void setThreadFactory(ThreadFactory threadFactory) {
		Assert.notNull(threadFactory, "'threadFactory' must not be null");
		this.threadFactory = threadFactory;
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		this.running = true;
		if (this.subscriptions.isEmpty()) {
			return; // nothing to consume or move: no thread, no Redis traffic
		}
		ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "redisboot-stream-scheduler");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler = scheduler;
		for (StreamSubscription subscription : this.subscriptions) {
			StreamEntryProcessor processor = new StreamEntryProcessor(subscription, this.context);
			for (int i = 0; i < subscription.concurrency(); i++) {
				StreamWorker worker = new StreamWorker(subscription, this.instanceId + "-" + subscription.name() + "-" + i,
						i == 0, this.connectionFactory, this.context, processor);
				this.workers.add(worker);
				worker.start(this.threadFactory);
			}
		}
		Map<String, Long> streams = Map.copyOf(this.streamMaxLengths);
		Map<String, Long> deadLetterLengths = Map.copyOf(this.deadLetterMaxLengths);
		long poll = this.delayedPollInterval.toMillis();
		scheduler.scheduleWithFixedDelay(() -> this.mover.moveDue(streams, deadLetterLengths), poll, poll,
				TimeUnit.MILLISECONDS);
		long stats = this.statsInterval.toMillis();
		scheduler.scheduleWithFixedDelay(this::refreshStats, 0, stats, TimeUnit.MILLISECONDS);
	}

	/**
	 * Publishes backlog figures read outside the periodic refresh (by the {@code streams}
	 * endpoint), so that the {@code redisboot.stream.*} gauges show what the endpoint showed
	 * rather than a reading up to {@code stats-interval} older.
	 * @param stats the figures just read
	 */
	void statsRead(StreamStats stats) {
		this.metrics.stats(stats.stream(), stats.group(), stats);
	}

	private void refreshStats() {
		Set<String> done = new LinkedHashSet<>();
		for (StreamSubscription subscription : getSubscriptions()) {
			if (done.add(subscription.stream() + '\n' + subscription.group())) {
				try {
					this.metrics.stats(subscription.stream(), subscription.group(),
							this.context.store().stats(subscription.stream(), subscription.group()));
				}
				catch (RuntimeException ex) {
					logger.debug("Could not read stream figures", ex);
				}
			}
		}
	}

	@Override
	public void stop() {
		List<StreamWorker> stopping;
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.running = false;
			stopping = new ArrayList<>(this.workers);
			this.workers.clear();
			if (this.scheduler != null) {
				this.scheduler.shutdownNow();
				this.scheduler = null;
			}
		}
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		for (StreamWorker worker : stopping) {
			try {
				if (!worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())))) {
					logger.warn("Stream consumer " + worker.consumer() + " did not finish within " + this.shutdownTimeout
							+ "; its entry stays pending and another instance will reclaim it");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// stop after the web server has drained requests, before Redis connections close
		return SmartLifecycle.DEFAULT_PHASE - 2048;
	}

}

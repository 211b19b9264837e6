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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.redisboot.core.WarnOnce;
import dev.redisboot.core.redis.RedisCommandException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.models.stream.ClaimedMessages;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Runs the consumers of every {@link StreamSubscription}: for each, {@code concurrency}
 * threads that each read with {@code XREADGROUP BLOCK} on a connection of their own (a
 * blocking read would stall every other command on Boot's shared connection), hand entries to
 * the handler, acknowledge them after it returns, schedule retries and dead letters when it
 * throws, and reclaim entries that dead consumers left pending. One scheduler thread moves due
 * delayed entries into their streams and refreshes the backlog figures.
 * <p>
 * Nothing a handler throws, and no Redis failure, ends a consumer: it logs (once per kind of
 * problem), waits and reads again. Stopping stops reading, lets entries in hand finish, and
 * removes this instance's consumers from their groups if they hold no pending entries.
 *
 * @author redisboot
 */
public final class StreamListenerContainer implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(StreamListenerContainer.class);

	private static final int MOVE_BATCH = 500;

	private final LettuceConnectionFactory connectionFactory;

	private final StreamStore store;

	private final StreamMetrics metrics;

	private final Duration delayedPollInterval;

	private final Duration statsInterval;

	private final Duration shutdownTimeout;

	private final String instanceId;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private final List<StreamSubscription> subscriptions = new ArrayList<>();

	private final Map<String, Long> streamMaxLengths = new LinkedHashMap<>();

	private final Map<String, Long> deadLetterMaxLengths = new LinkedHashMap<>();

	private final List<Worker> workers = new ArrayList<>();

	private @Nullable ScheduledExecutorService scheduler;

	private volatile boolean running;

	/**
	 * Creates a container.
	 * @param connectionFactory Boot's connection factory, whose client opens the consumers'
	 * connections
	 * @param store the Redis side
	 * @param metrics the metrics
	 * @param delayedPollInterval how often due delayed entries are moved into their stream
	 * @param statsInterval how often the backlog figures are refreshed
	 * @param shutdownTimeout how long stopping waits for entries in hand
	 */
	public StreamListenerContainer(LettuceConnectionFactory connectionFactory, StreamStore store, StreamMetrics metrics,
			Duration delayedPollInterval, Duration statsInterval, Duration shutdownTimeout) {
		this.connectionFactory = connectionFactory;
		this.store = store;
		this.metrics = metrics;
		this.delayedPollInterval = delayedPollInterval;
		this.statsInterval = statsInterval;
		this.shutdownTimeout = shutdownTimeout;
		this.instanceId = instanceId();
	}

	private static String instanceId() {
		String jvm = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
		return jvm.replaceAll("[^A-Za-z0-9@._-]", "") + "-" + UUID.randomUUID().toString().substring(0, 6);
	}

	/**
	 * Adds a subscription; takes effect at {@link #start()}.
	 * @param subscription the subscription
	 */
	public synchronized void register(StreamSubscription subscription) {
		this.subscriptions.add(subscription);
		this.streamMaxLengths.merge(subscription.stream(), subscription.settings().maxLength(), Math::max);
		this.deadLetterMaxLengths.merge(subscription.stream(), subscription.settings().deadLetterMaxLength(),
				Math::max);
	}

	/**
	 * Returns the subscriptions.
	 * @return the subscriptions
	 */
	public synchronized List<StreamSubscription> getSubscriptions() {
		return List.copyOf(this.subscriptions);
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
			for (int i = 0; i < subscription.concurrency(); i++) {
				Worker worker = new Worker(subscription, this.instanceId + "-" + subscription.name() + "-" + i, i == 0);
				this.workers.add(worker);
				worker.thread.start();
			}
		}
		long poll = this.delayedPollInterval.toMillis();
		scheduler.scheduleWithFixedDelay(this::moveDueEntries, poll, poll, TimeUnit.MILLISECONDS);
		long stats = this.statsInterval.toMillis();
		scheduler.scheduleWithFixedDelay(this::refreshStats, 0, stats, TimeUnit.MILLISECONDS);
	}

	/**
	 * Moves due delayed entries of every stream. An unreadable member of a delayed set is
	 * dead-lettered by the script and counted; a failure of the whole move (a key of another
	 * type, no permission, Redis down) is counted and logged once per stream and kind, and
	 * the next poll tries again.
	 */
	private void moveDueEntries() {
		Map<String, Long> streams;
		Map<String, Long> deadLetterLengths;
		synchronized (this) {
			streams = new LinkedHashMap<>(this.streamMaxLengths);
			deadLetterLengths = new LinkedHashMap<>(this.deadLetterMaxLengths);
		}
		streams.forEach((stream, maxLength) -> {
			try {
				StreamStore.Moved moved;
				do {
					moved = this.store.moveDue(stream, System.currentTimeMillis(), maxLength, MOVE_BATCH,
							deadLetterLengths.getOrDefault(stream, maxLength));
					for (int i = 0; i < moved.deadLettered(); i++) {
						this.metrics.fault(stream, "delayed-member");
					}
					if (moved.deadLettered() > 0) {
						// the member is not quoted: it may hold anything, including personal data
						this.warnOnce.warn("poison:" + stream, moved.deadLettered() + " unreadable entries of the delayed set "
								+ "of stream '" + stream + "' were moved to its dead-letter stream (field 'error' says why)",
								null);
					}
				}
				while (this.running && moved.total() == MOVE_BATCH);
			}
			catch (RuntimeException ex) {
				if (!this.running || Thread.currentThread().isInterrupted()) {
					return; // stopping: the scheduler was interrupted mid-command, nothing is wrong
				}
				this.metrics.fault(stream, "move");
				this.warnOnce.warn("move:" + stream + ":" + ex.getClass().getName(),
						"Could not move due entries of stream '" + stream + "' (delayed jobs, retries): " + ex.getMessage(),
						null);
			}
		});
	}

	private void refreshStats() {
		Set<String> done = new LinkedHashSet<>();
		for (StreamSubscription subscription : getSubscriptions()) {
			if (done.add(subscription.stream() + '\n' + subscription.group())) {
				try {
					this.metrics.stats(subscription.stream(), subscription.group(),
							this.store.stats(subscription.stream(), subscription.group()));
				}
				catch (RuntimeException ex) {
					logger.debug("Could not read stream figures", ex);
				}
			}
		}
	}

	@Override
	public void stop() {
		List<Worker> stopping;
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
		for (Worker worker : stopping) {
			try {
				worker.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			if (worker.thread.isAlive()) {
				logger.warn("Stream consumer " + worker.consumer + " did not finish within " + this.shutdownTimeout
						+ "; its entry stays pending and another instance will reclaim it");
				worker.thread.interrupt();
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

	@SuppressWarnings("unchecked")
	private StatefulConnection<byte[], byte[]> openConnection(Duration timeout) {
		AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
		StatefulConnection<byte[], byte[]> connection = (client instanceof RedisClusterClient cluster)
				? cluster.connect(ByteArrayCodec.INSTANCE) : ((RedisClient) client).connect(ByteArrayCodec.INSTANCE);
		connection.setTimeout(timeout);
		return connection;
	}

	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> async(StatefulConnection<byte[], byte[]> connection) {
		if (connection instanceof StatefulRedisClusterConnection<byte[], byte[]> cluster) {
			return cluster.async();
		}
		return ((StatefulRedisConnection<byte[], byte[]>) connection).async();
	}

	/**
	 * One consumer: a thread with a connection of its own.
	 */
	private final class Worker implements Runnable {

		private final StreamSubscription subscription;

		private final String consumer;

		private final boolean reclaims;

		private final Thread thread;

		private long nextReclaim;

		Worker(StreamSubscription subscription, String consumer, boolean reclaims) {
			this.subscription = subscription;
			this.consumer = consumer;
			this.reclaims = reclaims;
			this.thread = new Thread(this, "redisboot-stream-" + subscription.name() + "-" + consumer.substring(
					consumer.lastIndexOf('-') + 1));
			this.thread.setDaemon(true);
		}

		@Override
		public void run() {
			StreamSettings settings = this.subscription.settings();
			Duration block = settings.block();
			StatefulConnection<byte[], byte[]> connection = null;
			boolean groupReady = false;
			int failures = 0;
			Consumer<byte[]> me = Consumer.from(StreamStore.bytes(this.subscription.group()),
					StreamStore.bytes(this.consumer));
			byte[] key = StreamStore.bytes(StreamListenerContainer.this.store.streamKey(this.subscription.stream()));
			while (StreamListenerContainer.this.running) {
				try {
					if (connection == null) {
						connection = openConnection(block.plusSeconds(5));
					}
					if (!groupReady) {
						StreamListenerContainer.this.store.ensureGroup(this.subscription.stream(), this.subscription.group());
						groupReady = true;
					}
					if (this.reclaims && System.currentTimeMillis() >= this.nextReclaim) {
						reclaim(async(connection), key, me);
						this.nextReclaim = System.currentTimeMillis() + Math.max(1000, settings.reclaimIdle().toMillis() / 2);
					}
					List<StreamMessage<byte[], byte[]>> entries = async(connection)
						.xreadgroup(me, XReadArgs.Builder.block(block).count(settings.batchSize()),
								XReadArgs.StreamOffset.lastConsumed(key))
						.get(block.toMillis() + 5000, TimeUnit.MILLISECONDS);
					for (StreamMessage<byte[], byte[]> entry : entries) {
						process(entry.getId(), entry.getBody());
					}
					failures = 0;
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
				catch (Exception ex) {
					Throwable cause = (ex instanceof ExecutionException && ex.getCause() != null) ? ex.getCause() : ex;
					if (String.valueOf(cause.getMessage()).startsWith("NOGROUP")) {
						// the stream or group is gone (deleted, a flushed or restarted Redis): create it again
						groupReady = false;
						StreamListenerContainer.this.metrics.fault(this.subscription.stream(), "group-missing");
						continue;
					}
					failures++;
					StreamListenerContainer.this.metrics.fault(this.subscription.stream(), "consume");
					StreamListenerContainer.this.warnOnce.warn("read:" + this.subscription.name() + ":" + cause.getClass().getName(),
							"Stream consumer " + this.consumer + " of '" + this.subscription.stream() + "' could not read ("
									+ ((cause.getMessage() != null) ? cause.getMessage()
											: cause.getClass().getSimpleName())
									+ "); retrying",
							// an error reply (NOPERM, WRONGTYPE) or a timeout says all in its message: no stack trace
							(cause instanceof TimeoutException || cause instanceof RedisCommandException
									|| cause instanceof RedisCommandExecutionException) ? null : cause);
					if (!pause(Math.min(5000, 250L * failures))) {
						break;
					}
				}
			}
			if (connection != null) {
				connection.closeAsync();
			}
			try {
				StreamListenerContainer.this.store.removeIdleConsumer(this.subscription.stream(), this.subscription.group(),
						this.consumer);
			}
			catch (RuntimeException ex) {
				logger.debug("Could not remove consumer " + this.consumer, ex);
			}
		}

		private boolean pause(long millis) {
			long until = System.currentTimeMillis() + millis;
			while (StreamListenerContainer.this.running && System.currentTimeMillis() < until) {
				try {
					Thread.sleep(Math.min(100, Math.max(1, until - System.currentTimeMillis())));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return StreamListenerContainer.this.running;
		}

		/**
		 * Takes over entries that another consumer (presumably dead) has held for longer than
		 * the reclaim idle time, and processes them; an entry delivered more often than the
		 * attempts allow (a handler that kills its process) goes to the dead-letter stream.
		 */
		private void reclaim(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] key, Consumer<byte[]> me)
				throws Exception {
			StreamSettings settings = this.subscription.settings();
			String start = "0-0";
			int claimed = 0;
			do {
				ClaimedMessages<byte[], byte[]> batch = commands
					.xautoclaim(key, XAutoClaimArgs.Builder.xautoclaim(me, settings.reclaimIdle(), start)
						.count(settings.batchSize()))
					.get(settings.block().toMillis() + 5000, TimeUnit.MILLISECONDS);
				for (StreamMessage<byte[], byte[]> entry : batch.getMessages()) {
					if (entry.getBody() == null || entry.getBody().isEmpty()) {
						continue; // deleted (trimmed) while pending
					}
					claimed++;
					long deliveries = StreamListenerContainer.this.store.deliveries(this.subscription.stream(),
							this.subscription.group(), entry.getId());
					if (deliveries > settings.maxAttempts()) {
						deadLetter(entry.getId(), fields(entry.getBody()), attempt(fields(entry.getBody())),
								"Abandoned " + (deliveries - 1) + " times: its consumers died or took longer than "
										+ settings.reclaimIdle() + " each time",
								0);
					}
					else {
						process(entry.getId(), entry.getBody());
					}
				}
				start = batch.getId();
			}
			while (StreamListenerContainer.this.running && !"0-0".equals(start));
			if (claimed > 0) {
				StreamListenerContainer.this.metrics.reclaimed(this.subscription.stream(), this.subscription.group(),
						claimed);
				logger.info("Reclaimed " + claimed + " entries of stream '" + this.subscription.stream() + "', group '"
						+ this.subscription.group() + "', left pending by other consumers");
			}
		}

		private void process(String id, Map<byte[], byte[]> body) {
			Map<String, byte[]> fields = fields(body);
			StreamStore store = StreamListenerContainer.this.store;
			String stream = this.subscription.stream();
			String group = this.subscription.group();
			byte[] target = fields.get(StreamStore.GROUP);
			if (target != null && !StreamStore.string(target).equals(group)) {
				store.ack(stream, group, id); // a retry meant for another group of this stream
				return;
			}
			int attempt = attempt(fields);
			long started = System.nanoTime();
			try {
				this.subscription.handler().handle(fields, new StreamDelivery(stream, group, id, attempt,
						(fields.get(StreamStore.JOB) != null) ? StreamStore.string(fields.get(StreamStore.JOB)) : null));
			}
			catch (UnprocessableEntryException ex) {
				deadLetter(id, fields, attempt, describe(ex), started);
				return;
			}
			catch (Throwable ex) {
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
				}
				if (!StreamListenerContainer.this.running && Thread.currentThread().isInterrupted()) {
					// stopped while the handler ran: leave the entry pending for another consumer to reclaim
					logger.warn("Entry " + id + " of stream '" + stream + "' was interrupted by shutdown; it stays pending "
							+ "and another consumer will reclaim it after " + this.subscription.settings().reclaimIdle());
					return;
				}
				failed(id, fields, attempt, ex, started);
				return;
			}
			store.ack(stream, group, id);
			StreamListenerContainer.this.metrics.handled(stream, group, "processed",
					Duration.ofNanos(System.nanoTime() - started));
		}

		private void failed(String id, Map<String, byte[]> fields, int attempt, Throwable ex, long started) {
			StreamSettings settings = this.subscription.settings();
			String stream = this.subscription.stream();
			String group = this.subscription.group();
			if (attempt >= settings.maxAttempts()) {
				deadLetter(id, fields, attempt, describe(ex), started);
				return;
			}
			Duration backoff = settings.backoff(attempt);
			Map<String, byte[]> retry = new LinkedHashMap<>(fields);
			retry.put(StreamStore.ATTEMPT, StreamStore.bytes(Integer.toString(attempt + 1)));
			retry.put(StreamStore.GROUP, StreamStore.bytes(group));
			retry.put("retry-of", StreamStore.bytes(id));
			StreamListenerContainer.this.store.retry(stream, group, id, System.currentTimeMillis() + backoff.toMillis(),
					retry);
			StreamListenerContainer.this.metrics.handled(stream, group, "retried",
					Duration.ofNanos(System.nanoTime() - started));
			StreamListenerContainer.this.warnOnce.warn("failed:" + this.subscription.name() + ":" + ex.getClass().getName(),
					"Entry " + id + " of stream '" + stream + "' failed in group '" + group + "' (attempt " + attempt
							+ " of " + settings.maxAttempts() + "), retrying in " + backoff + ": " + ex,
					ex);
		}

		private void deadLetter(String id, Map<String, byte[]> fields, int attempt, String error, long started) {
			StreamSettings settings = this.subscription.settings();
			String stream = this.subscription.stream();
			String group = this.subscription.group();
			Map<String, byte[]> letter = new LinkedHashMap<>(fields);
			letter.remove("retry-of");
			letter.put(StreamStore.GROUP, StreamStore.bytes(group));
			letter.put(StreamStore.ATTEMPT, StreamStore.bytes(Integer.toString(attempt)));
			letter.put(StreamStore.ERROR, StreamStore.bytes(error));
			letter.put(StreamStore.SOURCE_ID, StreamStore.bytes(id));
			letter.put(StreamStore.FAILED_AT, StreamStore.bytes(Long.toString(System.currentTimeMillis())));
			StreamListenerContainer.this.store.deadLetter(stream, group, id, letter, settings.deadLetterMaxLength());
			StreamListenerContainer.this.metrics.handled(stream, group, "dead-lettered",
					Duration.ofNanos(System.nanoTime() - ((started != 0) ? started : System.nanoTime())));
			StreamListenerContainer.this.warnOnce.warn("dead:" + this.subscription.name(), "Entry " + id + " of stream '"
					+ stream + "' moved to the dead-letter stream after attempt " + attempt + ": " + error, null);
		}

	}

	private static String describe(Throwable ex) {
		String text = ex.getClass().getName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
		return (text.length() > 1000) ? text.substring(0, 1000) : text;
	}

	private static int attempt(Map<String, byte[]> fields) {
		byte[] attempt = fields.get(StreamStore.ATTEMPT);
		if (attempt == null) {
			return 1;
		}
		try {
			return Math.max(1, Integer.parseInt(StreamStore.string(attempt)));
		}
		catch (NumberFormatException ex) {
			return 1;
		}
	}

	private static Map<String, byte[]> fields(Map<byte[], byte[]> body) {
		Map<String, byte[]> fields = new LinkedHashMap<>();
		body.forEach((name, value) -> fields.put(StreamStore.string(name), value));
		return fields;
	}

}

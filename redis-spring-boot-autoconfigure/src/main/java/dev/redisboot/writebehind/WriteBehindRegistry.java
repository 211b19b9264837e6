package dev.redisboot.writebehind;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.WarnOnce;
import dev.redisboot.stream.JobHandler;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.StreamDelivery;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.util.Assert;

/**
 * Registers write-behind names ({@link #register}) and runs their jobs: the job of a key
 * takes the key's latest value, calls the application's {@link WriteBehindWriter}, and ends
 * when no newer value came meanwhile, or writes again (at most
 * {@value #MAX_ROUNDS} times, then hands the key to a new job). A writer that throws leaves
 * the job to the jobs' retries with back-off; on the last attempt the key's marker is
 * released (its value stays pending, the next write to the key enqueues a new job) and the
 * job goes to the dead letters with the writer's exception as the reason. One job of a key
 * runs at a time: a job's run takes the key as its owner and keeps the key's mark fresh while
 * its writer runs; another job (or a re-delivered copy of the same job) finding the key owned
 * by a live run ends without writing. {@link #sweep()} re-arms keys whose mark went stale (their
 * job was lost) and enqueues a job for each.
 *
 * @author redisboot
 */
public final class WriteBehindRegistry implements AutoCloseable {

	/**
	 * The job type of every write-behind job, with the payload {@code name/digest}.
	 */
	public static final String JOB_TYPE = "redisboot.write-behind";

	static final int MAX_ROUNDS = 10;

	static final int SWEEP_PAGE = 500;

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private static final Log logger = LogFactory.getLog(WriteBehindRegistry.class);

	private final Map<String, WriteBehind<?, ?>> names = new ConcurrentHashMap<>();

	private final CacheManager cacheManager;

	private final WriteBehindStore store;

	private final JobQueue queue;

	private final JsonMapper mapper;

	private final KeyDigester digester;

	private final WriteBehindMetrics metrics;

	private final Duration stuckAfter;

	private final int maxAttempts;

	private final Clock clock;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private @Nullable ScheduledExecutorService heartbeats;

	private boolean closed;

	WriteBehindRegistry(CacheManager cacheManager, WriteBehindStore store, JobQueue queue, JsonMapper mapper,
			KeyDigester digester, WriteBehindMetrics metrics, Duration stuckAfter, int maxAttempts, Clock clock) {
		this.cacheManager = cacheManager;
		this.store = store;
		this.queue = queue;
		this.mapper = mapper;
		this.digester = digester;
		this.metrics = metrics;
		this.stuckAfter = stuckAfter;
		this.maxAttempts = maxAttempts;
		this.clock = clock;
	}

	/**
	 * Creates the registry. Public for the auto-configuration, which makes the application's
	 * {@code WriteBehindRegistry} bean.
	 * @param cacheManager where the values are put
	 * @param commands the Redis commands of the pending values
	 * @param keyNamer the key naming scheme
	 * @param queue the jobs queue the database writes are queued on
	 * @param mapper writes keys and values as JSON
	 * @param digester digests keys for the pending hash's fields
	 * @param metrics the metrics
	 * @param stuckAfter after how long a key's mark that no job took or refreshed is taken
	 * as stuck (its job was lost) and a new job is enqueued
	 * @param maxAttempts the jobs' attempts before a dead letter
	 * @return the registry
	 */
	public static WriteBehindRegistry of(CacheManager cacheManager, dev.redisboot.core.redis.LettuceCommands commands,
			dev.redisboot.core.RedisKeyNamer keyNamer, JobQueue queue, JsonMapper mapper, KeyDigester digester,
			WriteBehindMetrics metrics, Duration stuckAfter, int maxAttempts) {
		return new WriteBehindRegistry(cacheManager, new WriteBehindStore(commands, keyNamer), queue, mapper, digester,
				metrics, stuckAfter, maxAttempts, Clock.systemUTC());
	}

	/**
	 * Registers a write-behind name whose values are put in a cache and written to the
	 * database by a writer. Register each name once per instance, on every instance that
	 * runs jobs (typically in a {@code @Bean} method returning the {@link WriteBehind}).
	 * @param <K> the key type
	 * @param <V> the value type
	 * @param name the name, {@code [A-Za-z0-9._-]}, at most 64 characters; part of the Redis
	 * key and the metrics' tag
	 * @param cacheName the cache the values are put in (read it with {@code @Cacheable})
	 * @param keyType the key type, read back from JSON
	 * @param valueType the value type, read back from JSON
	 * @param writer the database write
	 * @return the write-behind
	 * @throws IllegalArgumentException for a bad or taken name, or a cache the cache manager
	 * does not know
	 */
	public <K, V> WriteBehind<K, V> register(String name, String cacheName, Class<K> keyType, Class<V> valueType,
			WriteBehindWriter<K, V> writer) {
		Assert.isTrue(name != null && NAME.matcher(name).matches(),
				() -> "Write-behind name '" + name + "' must match " + NAME.pattern());
		Cache cache = this.cacheManager.getCache(cacheName);
		Assert.isTrue(cache != null, () -> "Write-behind '" + name + "': no cache named '" + cacheName + "'");
		WriteBehind<K, V> writeBehind = new WriteBehind<>(name, cache, keyType, valueType, writer, this.store,
				this.queue, this.mapper, this.digester, this.metrics, this.stuckAfter.toMillis(), this.clock);
		Assert.isTrue(this.names.putIfAbsent(name, writeBehind) == null,
				() -> "Write-behind '" + name + "' is registered already");
		this.metrics.registered(name);
		return writeBehind;
	}

	/**
	 * Runs a write-behind job. Called by the jobs' consumers; not API.
	 * @param job {@code name/digest}
	 * @param delivery the attempt
	 * @throws Exception what the application's writer threw, to retry the job
	 */
	@JobHandler(JOB_TYPE)
	public void run(String job, StreamDelivery delivery) throws Exception {
		int slash = job.indexOf('/');
		WriteBehind<?, ?> writeBehind = (slash > 0) ? this.names.get(job.substring(0, slash)) : null;
		if (writeBehind == null) {
			throw new IllegalStateException("No write-behind registered on this instance for job '"
					+ ((slash > 0 && NAME.matcher(job.substring(0, slash)).matches()) ? job.substring(0, slash) : "?")
					+ "'");
		}
		String name = writeBehind.getName();
		String digest = job.substring(slash + 1);
		// a run of its own: a copy of this job re-delivered while this run is alive (a writer slower than
		// redisboot.stream.reclaim-idle) finds the key owned and ends; once this run is dead (its mark not
		// refreshed for stuck-after) the copy, or the sweeper's job, takes the key over
		String owner = ((delivery.jobId() != null) ? delivery.jobId() : delivery.id()) + "/" + UUID.randomUUID();
		long stuckAfterMillis = this.stuckAfter.toMillis();
		for (int round = 0; round < MAX_ROUNDS; round++) {
			WriteBehindStore.Taken taken = this.store.take(name, digest, this.clock.millis(), owner, stuckAfterMillis);
			if (taken.busy()) {
				// another job of the key runs (a duplicate enqueued by a sweep or a stale mark): it writes
				this.metrics.fault(name, "busy");
				return;
			}
			if (taken.entry() != null) {
				boolean written = false;
				WriteBehind.PendingWrite write = null;
				try {
					write = writeBehind.read(taken.entry());
				}
				catch (IllegalArgumentException ex) {
					// dropped below (finish removes the key's fields unless a newer value came)
					this.metrics.fault(name, "unreadable");
					this.warnOnce.warn("unreadable:" + name, "A pending write-behind value of '" + name
							+ "' cannot be read and is dropped (" + ex.getMessage() + ")", null);
				}
				if (write != null) {
					Future<?> heartbeat = heartbeat(name, digest, owner);
					try {
						write.run();
						written = true;
					}
					catch (Exception ex) {
						this.metrics.failed(name);
						try {
							// the retry takes the key again; after the last attempt the mark goes too
							this.store.release(name, digest, owner, delivery.attempt() >= this.maxAttempts);
						}
						catch (RuntimeException releaseFailure) {
							// the sweeper re-arms the key after redisboot.write-behind.stuck-after
							ex.addSuppressed(releaseFailure);
						}
						throw ex;
					}
					finally {
						heartbeat.cancel(false);
					}
				}
				if (written) {
					long since = taken.sinceMillis();
					this.metrics.written(name,
							Duration.ofMillis((since > 0) ? Math.max(0, this.clock.millis() - since) : 0));
				}
			}
			if (this.store.finish(name, digest, taken.version(), owner)) {
				return;
			}
		}
		// a key written faster than its writer: a new job of the key continues (the mark stays, the owner goes)
		this.store.release(name, digest, owner, false);
		this.queue.enqueue(JOB_TYPE, job);
	}

	/**
	 * Keeps a running job's mark fresh every quarter of stuck-after while its writer runs,
	 * so that a writer slower than stuck-after is not taken for dead.
	 */
	private Future<?> heartbeat(String name, String digest, String owner) {
		long period = Math.max(1, this.stuckAfter.toMillis() / 4);
		ScheduledExecutorService executor = heartbeats();
		if (executor == null) {
			return CompletableFuture.completedFuture(null); // closing: the write runs without one
		}
		return executor.scheduleWithFixedDelay(() -> {
			try {
				this.store.touch(name, digest, owner, this.clock.millis());
			}
			catch (RuntimeException ex) {
				this.warnOnce.warn("touch:" + ex.getClass().getName(), "A running write-behind job of '" + name
						+ "' could not keep its key marked (" + ex.getMessage() + ")", null);
			}
		}, period, period, TimeUnit.MILLISECONDS);
	}

	private synchronized @Nullable ScheduledExecutorService heartbeats() {
		if (this.heartbeats == null && !this.closed) {
			ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, "redisboot-write-behind-heartbeat");
				thread.setDaemon(true);
				return thread;
			});
			executor.setRemoveOnCancelPolicy(true);
			this.heartbeats = executor;
		}
		return this.heartbeats;
	}

	/**
	 * Sweeps every registered name once: finds the keys whose mark no job refreshed for
	 * stuck-after (their job was lost: the instance died before enqueueing it, or while it
	 * ran and its entry was never re-delivered, or a release failed), re-arms each with a
	 * compare-and-set on the mark it read (of several instances sweeping at once, one wins)
	 * and enqueues one job for it; and records how many keys have a value not yet written,
	 * and the oldest. Run by {@link WriteBehindSweeper}; public for it and for tests.
	 * @return keys re-armed, all names together
	 */
	public int sweep() {
		int rearmed = 0;
		for (WriteBehind<?, ?> writeBehind : this.names.values()) {
			String name = writeBehind.getName();
			try {
				long now = this.clock.millis();
				WriteBehindStore.Marks marks = this.store.marks(name, SWEEP_PAGE);
				this.metrics.pending(name, marks.pending(),
						(marks.oldestMillis() > 0) ? Duration.ofMillis(Math.max(0, now - marks.oldestMillis()))
								: Duration.ZERO);
				for (Map.Entry<String, String> mark : marks.marks().entrySet()) {
					long since = parseMillis(mark.getValue());
					if (since >= 0 && now - since <= this.stuckAfter.toMillis()) {
						continue;
					}
					String digest = mark.getKey();
					if (this.store.rearm(name, digest, mark.getValue(), now)) {
						this.queue.enqueue(JOB_TYPE, name + "/" + digest);
						this.metrics.swept(name);
						rearmed++;
					}
				}
			}
			catch (RuntimeException ex) {
				// the next sweep tries again; a key re-armed without its job is found again after stuck-after
				this.metrics.fault(name, "sweep");
				this.warnOnce.warn("sweep:" + name + ":" + ex.getClass().getName(),
						"The write-behind sweep of '" + name + "' failed (" + ex.getMessage() + ")", null);
			}
		}
		return rearmed;
	}

	private static long parseMillis(String text) {
		try {
			return Long.parseLong(text);
		}
		catch (NumberFormatException ex) {
			return -1; // garbage is stuck by definition
		}
	}

	/**
	 * Stops the heartbeats of running jobs' marks.
	 */
	@Override
	public synchronized void close() {
		this.closed = true;
		if (this.heartbeats != null) {
			this.heartbeats.shutdownNow();
			this.heartbeats = null;
		}
	}

}

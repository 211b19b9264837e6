package dev.redisboot.writebehind;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.WarnOnce;
import dev.redisboot.stream.JobHandler;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.StreamDelivery;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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
 * job goes to the dead letters with the writer's exception as the reason.
 *
 * @author redisboot
 */
public final class WriteBehindRegistry {

	/**
	 * The job type of every write-behind job, with the payload {@code name/digest}.
	 */
	public static final String JOB_TYPE = "redisboot.write-behind";

	static final int MAX_ROUNDS = 10;

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
	 * @param stuckAfter after how long a key's queued marker that no job took is taken as
	 * stuck (its job was lost) and a new job is enqueued
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
		for (int round = 0; round < MAX_ROUNDS; round++) {
			WriteBehindStore.Taken taken = this.store.take(name, digest, this.clock.millis());
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
					try {
						write.run();
						written = true;
					}
					catch (Exception ex) {
						this.metrics.failed(name);
						if (delivery.attempt() >= this.maxAttempts) {
							try {
								this.store.release(name, digest);
							}
							catch (RuntimeException releaseFailure) {
								// the marker is taken as stuck after redisboot.write-behind.stuck-after
								ex.addSuppressed(releaseFailure);
							}
						}
						throw ex;
					}
				}
				if (written) {
					long since = taken.sinceMillis();
					this.metrics.written(name,
							Duration.ofMillis((since > 0) ? Math.max(0, this.clock.millis() - since) : 0));
				}
			}
			if (this.store.finish(name, digest, taken.version())) {
				return;
			}
		}
		// a key written faster than its writer: a new job of the key continues (the marker stays taken)
		this.queue.enqueue(JOB_TYPE, job);
	}

}

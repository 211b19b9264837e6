package dev.redisboot.writebehind;

import java.time.Clock;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.WarnOnce;
import dev.redisboot.stream.JobQueue;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.cache.Cache;
import org.springframework.util.Assert;

/**
 * One write-behind name: {@link #write} puts a key's new value in the cache at once (every
 * instance reads it there) and queues the database write on the jobs stream, where a job on
 * some instance calls the application's {@link WriteBehindWriter} with the key's latest
 * value. Writes to a key that come while its job is queued, retried or running are coalesced:
 * the job writes only the latest value, and never two jobs of one key run at once, so a key's
 * values reach the database in order. Made by {@link WriteBehindRegistry#register}.
 *
 * @param <K> the key type (written as JSON, in the job's pending entry only; key names hold
 * its digest)
 * @param <V> the value type (written as JSON)
 * @author redisboot
 */
public final class WriteBehind<K, V> {

	private static final Log logger = LogFactory.getLog(WriteBehind.class);

	private final String name;

	private final Cache cache;

	private final Class<K> keyType;

	private final Class<V> valueType;

	private final WriteBehindWriter<K, V> writer;

	private final WriteBehindStore store;

	private final JobQueue queue;

	private final JsonMapper mapper;

	private final KeyDigester digester;

	private final WriteBehindMetrics metrics;

	private final long stuckAfterMillis;

	private final Clock clock;

	private final WarnOnce warnOnce = new WarnOnce(logger);

	WriteBehind(String name, Cache cache, Class<K> keyType, Class<V> valueType, WriteBehindWriter<K, V> writer,
			WriteBehindStore store, JobQueue queue, JsonMapper mapper, KeyDigester digester,
			WriteBehindMetrics metrics, long stuckAfterMillis, Clock clock) {
		this.name = name;
		this.cache = cache;
		this.keyType = keyType;
		this.valueType = valueType;
		this.writer = writer;
		this.store = store;
		this.queue = queue;
		this.mapper = mapper;
		this.digester = digester;
		this.metrics = metrics;
		this.stuckAfterMillis = stuckAfterMillis;
		this.clock = clock;
	}

	/**
	 * Writes a key's value behind: records it as the key's latest value and, unless a job for
	 * the key is already queued or running (then that job writes it), enqueues one; then puts
	 * it in the cache. One round trip to Redis, two when a job is enqueued, plus the cache's
	 * put (one more with redisboot's cache); never the database.
	 * @param key the key, as the cache's readers use it ({@code @Cacheable} key)
	 * @param value the value
	 * @throws WriteBehindException when the write could not be queued (Redis unavailable or
	 * refusing it, the jobs' circuit breaker open): the cache was not written either
	 */
	public void write(K key, V value) {
		Assert.notNull(key, "'key' must not be null");
		Assert.notNull(value, "'value' must not be null");
		ObjectNode entry = this.mapper.createObjectNode();
		entry.set("k", this.mapper.valueToTree(key));
		entry.set("v", this.mapper.valueToTree(value));
		String digest = digest(key);
		WriteBehindStore.Recorded recorded;
		try {
			recorded = this.store.write(this.name, digest, this.mapper.writeValueAsBytes(entry), this.clock.millis(),
					this.stuckAfterMillis);
		}
		catch (RuntimeException ex) {
			throw unqueued(ex);
		}
		if (recorded.replaced()) {
			this.metrics.fault(this.name, "replaced");
			this.warnOnce.warn("replaced", "The write-behind key of '" + this.name
					+ "' held another Redis type and was replaced", null);
		}
		if (recorded.enqueue()) {
			try {
				this.queue.enqueue(WriteBehindRegistry.JOB_TYPE, this.name + "/" + digest);
			}
			catch (RuntimeException ex) {
				try {
					this.store.unmark(this.name, digest);
				}
				catch (RuntimeException releaseFailure) {
					// the sweeper re-arms the key after redisboot.write-behind.stuck-after
					ex.addSuppressed(releaseFailure);
				}
				throw unqueued(ex);
			}
			this.metrics.queued(this.name);
		}
		else {
			this.metrics.coalesced(this.name);
		}
		this.cache.put(key, value);
	}

	private WriteBehindException unqueued(RuntimeException ex) {
		this.metrics.fault(this.name, "redis");
		this.warnOnce.warn("unqueued:" + ex.getClass().getName(), "A write-behind write of '" + this.name
				+ "' could not be queued (" + ex.getMessage() + ")", null);
		return new WriteBehindException("The write-behind write of '" + this.name + "' could not be queued", ex);
	}

	String digest(K key) {
		return this.digester.digest("writebehind:" + this.name, this.mapper.writeValueAsString(key));
	}

	/**
	 * Returns the name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Returns the cache the values are put in.
	 * @return the cache
	 */
	public Cache getCache() {
		return this.cache;
	}

	WriteBehindStore store() {
		return this.store;
	}

	WriteBehindMetrics metrics() {
		return this.metrics;
	}

	/**
	 * Reads a pending entry as {@link #write} recorded it.
	 * @param entry the entry
	 * @return the database write of its key and value
	 * @throws IllegalArgumentException when the entry cannot be read
	 */
	PendingWrite read(byte[] entry) {
		K key;
		V value;
		try {
			JsonNode node = this.mapper.readTree(entry);
			JsonNode keyNode = node.get("k");
			JsonNode valueNode = node.get("v");
			key = (keyNode != null && !keyNode.isNull()) ? this.mapper.treeToValue(keyNode, this.keyType) : null;
			value = (valueNode != null && !valueNode.isNull()) ? this.mapper.treeToValue(valueNode, this.valueType)
					: null;
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("Unreadable entry (" + ex.getClass().getSimpleName() + ")", ex);
		}
		if (key == null || value == null) {
			throw new IllegalArgumentException("Entry without a key or a value");
		}
		K readKey = key;
		V readValue = value;
		return () -> this.writer.write(readKey, readValue);
	}

	/**
	 * The database write of a pending entry.
	 */
	@FunctionalInterface
	interface PendingWrite {

		void run() throws Exception;

	}

}

package dev.redisboot.stream;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;

/**
 * Where a stream lives in Redis. A stream {@code s} and its helper keys share one hash tag,
 * so every script works on Redis Cluster:
 * <ul>
 * <li>{@code [prefix:]stream:{s}}: the stream;</li>
 * <li>{@code [prefix:]stream:{s}:delayed}: a sorted set of entries waiting for their time
 * (delayed jobs, retries), moved into the stream by a script;</li>
 * <li>{@code [prefix:]stream:{s}:dead}: the dead-letter stream;</li>
 * <li>{@code [prefix:]stream:{s}:idempotency:<digest>}: the job id enqueued under an
 * idempotency key; the key itself appears only as its {@link KeyDigester digest}, since
 * applications build idempotency keys from user ids, e-mail addresses and the like;</li>
 * <li>{@code [prefix:]stream:{s}:unique:<digest>}: the job id of the job enqueued with
 * {@link JobQueue#enqueueUnique} under a unique key, while it is queued, delayed, running or
 * retrying (a digest too);</li>
 * <li>{@code [prefix:]stream:{s}:job:<job id>}: a job's status record, a hash
 * ({@link JobQueue#status}), kept for {@code redisboot.jobs.status-ttl} after the job
 * finished.</li>
 * </ul>
 * A bean: inject it to look at a stream with other tools ({@code redis-cli}, a
 * {@code RedisTemplate}).
 *
 * @author redisboot
 */
public final class StreamKeys {

	private final RedisKeyNamer keyNamer;

	private final KeyDigester keyDigester;

	/**
	 * Creates the key names.
	 * @param keyNamer the key namer, with {@code redisboot.key-prefix}
	 * @param keyDigester digests idempotency keys for their key names
	 */
	public StreamKeys(RedisKeyNamer keyNamer, KeyDigester keyDigester) {
		this.keyNamer = keyNamer;
		this.keyDigester = keyDigester;
	}

	/**
	 * Returns the key of a stream.
	 * @param stream the stream's name
	 * @return the key
	 */
	public String streamKey(String stream) {
		return this.keyNamer.hashTaggedKey("stream", stream);
	}

	/**
	 * Returns the key of a stream's delayed set.
	 * @param stream the stream's name
	 * @return the key
	 */
	public String delayedKey(String stream) {
		return this.keyNamer.hashTaggedKey("stream", stream, "delayed");
	}

	/**
	 * Returns the key of a stream's dead-letter stream.
	 * @param stream the stream's name
	 * @return the key
	 */
	public String deadLetterKey(String stream) {
		return this.keyNamer.hashTaggedKey("stream", stream, "dead");
	}

	/**
	 * Returns the Redis key that remembers the job enqueued under an idempotency key: the
	 * idempotency key appears in it only as its digest.
	 * @param stream the stream's name
	 * @param key the idempotency key
	 * @return the Redis key
	 */
	public String idempotencyKey(String stream, String key) {
		return this.keyNamer.hashTaggedKey("stream", stream, "idempotency",
				this.keyDigester.digest("stream-idempotency", key));
	}

	/**
	 * Returns the Redis key that holds the id of the job enqueued under a unique key while it is
	 * not finished: the unique key appears in it only as its digest.
	 * @param stream the stream's name
	 * @param key the unique key
	 * @return the Redis key
	 */
	public String uniqueKey(String stream, String key) {
		return uniqueKeyOfDigest(stream, uniqueDigest(key));
	}

	String uniqueDigest(String key) {
		return this.keyDigester.digest("stream-unique", key);
	}

	String uniqueKeyOfDigest(String stream, String digest) {
		return this.keyNamer.hashTaggedKey("stream", stream, "unique", digest);
	}

	/**
	 * Returns the key of a job's status record.
	 * @param stream the jobs stream's name
	 * @param jobId the job's id
	 * @return the key
	 */
	public String jobStatusKey(String stream, String jobId) {
		return this.keyNamer.hashTaggedKey("stream", stream, "job", jobId);
	}

}

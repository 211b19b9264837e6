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
 * finished;</li>
 * <li>{@code [prefix:]stream:{s}:high} and {@code …:low}: the priority lanes of a jobs
 * stream ({@link JobPriority}), named {@code s#high} and {@code s#low}; they share the
 * stream's delayed set, dead letters, status records and keys;</li>
 * <li>{@code [prefix:]stream:{s}:rate:<type>}: the rate-limit bucket of a job type.</li>
 * </ul>
 * A bean: inject it to look at a stream with other tools ({@code redis-cli}, a
 * {@code RedisTemplate}).
 *
 * @author redisboot
 */
public final class StreamKeys {

	/**
	 * Separates a jobs stream's name from the priority of one of its lanes, as in
	 * {@code jobs#high} ({@link JobPriority#lane}).
	 */
	public static final char LANE_SEPARATOR = '#';

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
		int lane = laneStart(stream);
		if (lane > 0) {
			// a priority lane: a stream beside the jobs stream, with its hash tag
			return this.keyNamer.hashTaggedKey("stream", stream.substring(0, lane), stream.substring(lane + 1));
		}
		return this.keyNamer.hashTaggedKey("stream", stream);
	}

	/**
	 * Returns the stream whose helper keys (delayed set, dead letters, status records,
	 * idempotency and unique keys) a lane shares: the name before {@code #high} or
	 * {@code #low}, else the name itself.
	 * @param stream a stream's or a lane's name
	 * @return the stream's name
	 */
	static String base(String stream) {
		int lane = laneStart(stream);
		return (lane > 0) ? stream.substring(0, lane) : stream;
	}

	private static int laneStart(String stream) {
		int separator = stream.lastIndexOf(LANE_SEPARATOR);
		if (separator <= 0) {
			return -1;
		}
		String lane = stream.substring(separator + 1);
		return (lane.equals("high") || lane.equals("low")) ? separator : -1;
	}

	/**
	 * Returns the key of a stream's delayed set.
	 * @param stream the stream's name
	 * @return the key
	 */
	public String delayedKey(String stream) {
		return this.keyNamer.hashTaggedKey("stream", base(stream), "delayed");
	}

	/**
	 * Returns the key of a stream's dead-letter stream.
	 * @param stream the stream's name
	 * @return the key
	 */
	public String deadLetterKey(String stream) {
		return this.keyNamer.hashTaggedKey("stream", base(stream), "dead");
	}

	/**
	 * Returns the Redis key that remembers the job enqueued under an idempotency key: the
	 * idempotency key appears in it only as its digest.
	 * @param stream the stream's name
	 * @param key the idempotency key
	 * @return the Redis key
	 */
	public String idempotencyKey(String stream, String key) {
		return this.keyNamer.hashTaggedKey("stream", base(stream), "idempotency",
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
		return this.keyNamer.hashTaggedKey("stream", base(stream), "unique", digest);
	}

	/**
	 * Returns the key of a job's status record.
	 * @param stream the jobs stream's name
	 * @param jobId the job's id
	 * @return the key
	 */
	public String jobStatusKey(String stream, String jobId) {
		return this.keyNamer.hashTaggedKey("stream", base(stream), "job", jobId);
	}

	/**
	 * Returns the key of a job type's rate-limit bucket ({@code redisboot.jobs.types.<type>.rate-limit}).
	 * @param stream the jobs stream's name
	 * @param type the job type
	 * @return the key
	 */
	public String jobRateKey(String stream, String type) {
		return this.keyNamer.hashTaggedKey("stream", base(stream), "rate", type);
	}

}

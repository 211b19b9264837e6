package dev.redisboot.stream;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static dev.redisboot.stream.StreamFields.bytes;

/**
 * One consumer of a {@link StreamSubscription}: a thread with a Redis connection of its own
 * (a blocking read would stall every other command on Boot's shared connection) that reads
 * with {@code XREADGROUP BLOCK} and hands each entry to the {@link StreamEntryProcessor}. The
 * first consumer of a subscription also reclaims, now and then, entries that dead consumers
 * left pending ({@code XAUTOCLAIM}).
 * <p>
 * Nothing a handler throws, and no Redis failure, ends the loop: it logs (once per kind of
 * problem), backs off and reads again; a deleted stream or group is created again. When the
 * container stops, the loop ends after the entries in hand, and the consumer leaves its
 * group if it holds no pending entries.
 *
 * @author redisboot
 */
final class StreamWorker implements Runnable {

	private static final Log logger = LogFactory.getLog(StreamWorker.class);

	/** Added to the block time for a read's reply to arrive. */
	private static final long REPLY_MARGIN_MILLIS = 5000;

	private final StreamSubscription subscription;

	private final String consumer;

	private final boolean reclaims;

	private final LettuceConnectionFactory connectionFactory;

	private final ConsumerContext context;

	private final StreamEntryProcessor processor;

	private @Nullable Thread thread;

	private long nextReclaim;

	StreamWorker(StreamSubscription subscription, String consumer, boolean reclaims,
			LettuceConnectionFactory connectionFactory, ConsumerContext context, StreamEntryProcessor processor) {
		this.subscription = subscription;
		this.consumer = consumer;
		this.reclaims = reclaims;
		this.connectionFactory = connectionFactory;
		this.context = context;
		this.processor = processor;
	}

	String consumer() {
		return this.consumer;
	}

	/**
	 * Starts the consumer on a thread of the given factory, named
	 * {@code redisboot-stream-<subscription>-<n>}.
	 * @param threadFactory the factory
	 */
	void start(ThreadFactory threadFactory) {
		Thread thread = threadFactory.newThread(this);
		thread.setName("redisboot-stream-" + this.subscription.name() + "-"
				+ this.consumer.substring(this.consumer.lastIndexOf('-') + 1));
		this.thread = thread;
		thread.start();
	}

	/**
	 * Waits for the consumer to finish; interrupts it if it does not in time.
	 * @param millis how long to wait
	 * @return whether it finished in time
	 * @throws InterruptedException if the caller is interrupted
	 */
	boolean join(long millis) throws InterruptedException {
		Thread thread = this.thread;
		if (thread == null) {
			return true;
		}
		thread.join(millis);
		if (thread.isAlive()) {
			thread.interrupt();
			return false;
		}
		return true;
	}

	@Override
	public void run() {
		StreamSettings settings = this.subscription.settings();
		Duration block = settings.block();
		StatefulConnection<byte[], byte[]> connection = null;
		boolean groupReady = false;
		int failures = 0;
		Consumer<byte[]> me = Consumer.from(bytes(this.subscription.group()), bytes(this.consumer));
		byte[] key = bytes(this.context.store().keys().streamKey(this.subscription.stream()));
		while (this.context.isRunning()) {
			try {
				if (connection == null) {
					connection = openConnection(block.plusSeconds(5));
				}
				if (!groupReady) {
					this.context.store().ensureGroup(this.subscription.stream(), this.subscription.group());
					groupReady = true;
				}
				if (this.reclaims && System.currentTimeMillis() >= this.nextReclaim) {
					reclaim(async(connection), key, me);
					this.nextReclaim = System.currentTimeMillis() + Math.max(1000, settings.reclaimIdle().toMillis() / 2);
				}
				List<StreamMessage<byte[], byte[]>> entries = async(connection)
					.xreadgroup(me, XReadArgs.Builder.block(block).count(settings.batchSize()),
							XReadArgs.StreamOffset.lastConsumed(key))
					.get(block.toMillis() + REPLY_MARGIN_MILLIS, TimeUnit.MILLISECONDS);
				for (StreamMessage<byte[], byte[]> entry : entries) {
					this.processor.process(entry.getId(), entry.getBody());
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
					this.context.metrics().fault(this.subscription.stream(), "group-missing");
					continue;
				}
				failures++;
				readFailed(cause);
				if (!pause(Math.min(5000, 250L * failures))) {
					break;
				}
			}
		}
		if (connection != null) {
			connection.closeAsync();
		}
		try {
			this.context.store()
				.removeIdleConsumer(this.subscription.stream(), this.subscription.group(), this.consumer);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not remove consumer " + this.consumer, ex);
		}
	}

	private void readFailed(Throwable cause) {
		this.context.metrics().fault(this.subscription.stream(), "consume");
		String message = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
		// an error reply (NOPERM, WRONGTYPE) or a timeout says all in its message: no stack trace
		boolean plain = cause instanceof TimeoutException || cause instanceof RedisCommandException
				|| cause instanceof RedisCommandExecutionException;
		this.context.warnOnce()
			.warn("read:" + this.subscription.name() + ":" + cause.getClass().getName(), "Stream consumer "
					+ this.consumer + " of '" + this.subscription.stream() + "' could not read (" + message
					+ "); retrying", plain ? null : cause);
	}

	/**
	 * Waits before the next read, in short steps so that a stop ends the wait.
	 * @return whether to go on
	 */
	private boolean pause(long millis) {
		long until = System.currentTimeMillis() + millis;
		while (this.context.isRunning() && System.currentTimeMillis() < until) {
			try {
				Thread.sleep(Math.min(100, Math.max(1, until - System.currentTimeMillis())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return this.context.isRunning();
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
				.get(settings.block().toMillis() + REPLY_MARGIN_MILLIS, TimeUnit.MILLISECONDS);
			for (StreamMessage<byte[], byte[]> entry : batch.getMessages()) {
				if (entry.getBody() == null || entry.getBody().isEmpty()) {
					continue; // deleted (trimmed) while pending
				}
				claimed++;
				long deliveries = this.context.store()
					.deliveries(this.subscription.stream(), this.subscription.group(), entry.getId());
				if (deliveries > settings.maxAttempts()) {
					this.processor.abandon(entry.getId(), entry.getBody(), deliveries);
				}
				else {
					this.processor.process(entry.getId(), entry.getBody());
				}
			}
			start = batch.getId();
		}
		while (this.context.isRunning() && !"0-0".equals(start));
		if (claimed > 0) {
			this.context.metrics().reclaimed(this.subscription.stream(), this.subscription.group(), claimed);
			logger.info("Reclaimed " + claimed + " entries of stream '" + this.subscription.stream() + "', group '"
					+ this.subscription.group() + "', left pending by other consumers");
		}
	}

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

}

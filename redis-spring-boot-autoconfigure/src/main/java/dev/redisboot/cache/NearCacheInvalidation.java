package dev.redisboot.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.WarnOnce;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The pub/sub channel through which the instances of an application tell each other to drop
 * near-cache entries: {@code [prefix:]cache:invalidations}. A message is published only when
 * an entry changes ({@code put}, {@code evict}, {@code clear}, a background refresh), never
 * when a value is loaded after a miss, so reads cause no traffic. Each message names the
 * cache and the Redis key (or "clear"), and the sending instance, which ignores its own.
 * <p>
 * The channel has its own pub/sub connection, which Lettuce reconnects and resubscribes after
 * a disconnect. Near caches serve only while it is subscribed: when it disconnects they are
 * cleared and bypassed, and when it (re)subscribes they are cleared again, because messages
 * sent in between were lost. The first connection is opened in the background when the
 * context starts, and retried there until it succeeds.
 */
public final class NearCacheInvalidation implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(NearCacheInvalidation.class);

	private static final String VERSION = "1";

	private static final char KEY = 'k';

	private static final char CLEAR = 'c';

	private static final long MAX_RETRY_SECONDS = 30;

	private final LettuceConnectionFactory connectionFactory;

	private final byte[] channel;

	private final String senderId = UUID.randomUUID().toString();

	private final Duration timeout;

	private final Map<String, Registration> caches = new ConcurrentHashMap<>();

	private final Listener listener = new Listener();

	private final Object monitor = new Object();

	private final WarnOnce warnOnce = new WarnOnce(logger);

	private @Nullable StatefulRedisPubSubConnection<byte[], byte[]> connection;

	private @Nullable ScheduledExecutorService retries;

	private boolean subscribed;

	private boolean everSubscribed;

	private volatile boolean running;

	/**
	 * Creates the channel; it subscribes when started. Public for the auto-configuration;
	 * not API (applications inject the bean, they do not create it).
	 * @param connectionFactory the application's connection factory, whose client opens the
	 * pub/sub connection
	 * @param keyNamer names the channel
	 * @param timeout how long to wait for the subscription when starting
	 */
	public NearCacheInvalidation(LettuceConnectionFactory connectionFactory, RedisKeyNamer keyNamer,
			Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.channel = keyNamer.key(RedisbootCache.FEATURE, "invalidations").getBytes(StandardCharsets.UTF_8);
		this.timeout = timeout;
	}

	/**
	 * Name of the channel.
	 * @return the channel, such as {@code prod:cache:invalidations}
	 */
	public String getChannel() {
		return new String(this.channel, StandardCharsets.UTF_8);
	}

	/**
	 * Whether the channel is subscribed, so that near caches serve.
	 * @return whether subscribed
	 */
	public boolean isSubscribed() {
		synchronized (this.monitor) {
			return this.subscribed;
		}
	}

	void register(String cacheName, NearCacheLayer layer, CacheMetrics metrics) {
		synchronized (this.monitor) {
			this.caches.put(cacheName, new Registration(layer, metrics));
			layer.setLive(this.subscribed);
		}
	}

	byte[] channel() {
		return this.channel;
	}

	byte[] keyMessage(String cacheName, String redisKey) {
		return message(KEY, cacheName, redisKey);
	}

	byte[] clearMessage(String cacheName) {
		return message(CLEAR, cacheName, "");
	}

	private byte[] message(char op, String cacheName, String redisKey) {
		return (VERSION + '\n' + this.senderId + '\n' + op + '\n' + cacheName + '\n' + redisKey)
			.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Subscribes in the background, so that an unreachable Redis never holds up startup;
	 * near caches serve once the subscription is confirmed.
	 */
	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.running) {
				return;
			}
			this.running = true;
			background().execute(() -> connect(1));
		}
	}

	private ScheduledExecutorService background() {
		synchronized (this.monitor) {
			if (this.retries == null) {
				this.retries = Executors.newSingleThreadScheduledExecutor((task) -> {
					Thread thread = new Thread(task, "redisboot-near-cache-subscriber");
					thread.setDaemon(true);
					return thread;
				});
			}
			return this.retries;
		}
	}

	private void connect(long attempt) {
		StatefulRedisPubSubConnection<byte[], byte[]> pubSub = null;
		try {
			pubSub = open();
			pubSub.addListener((RedisPubSubListener<byte[], byte[]>) this.listener);
			pubSub.addListener((RedisConnectionStateListener) this.listener);
			synchronized (this.monitor) {
				if (!this.running) {
					pubSub.closeAsync();
					return;
				}
				this.connection = pubSub;
			}
			pubSub.async().subscribe(this.channel).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (attempt > 1) {
				logger.info("Near-cache invalidation channel " + getChannel() + " subscribed; near caches serve again");
			}
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			if (this.connection == pubSub && pubSub != null && pubSub.isOpen()) {
				return; // connected: Lettuce completes or retries the subscription itself
			}
			if (pubSub != null) {
				pubSub.closeAsync();
			}
			long delay = Math.min(MAX_RETRY_SECONDS, 1L << Math.min(attempt, 5));
			this.warnOnce.warn("connect", "Cannot subscribe to the near-cache invalidation channel " + getChannel()
					+ "; near caches are bypassed until it is subscribed (retrying every few seconds): "
					+ ex.getMessage(), null);
			synchronized (this.monitor) {
				if (this.running) {
					background().schedule(() -> connect(attempt + 1), delay, TimeUnit.SECONDS);
				}
			}
		}
	}

	@SuppressWarnings("unchecked")
	private StatefulRedisPubSubConnection<byte[], byte[]> open() {
		AbstractRedisClient client = this.connectionFactory.getRequiredNativeClient();
		if (client instanceof RedisClusterClient clusterClient) {
			return clusterClient.connectPubSub(ByteArrayCodec.INSTANCE);
		}
		return ((RedisClient) client).connectPubSub(ByteArrayCodec.INSTANCE);
	}

	@Override
	public void stop() {
		StatefulRedisPubSubConnection<byte[], byte[]> pubSub;
		synchronized (this.monitor) {
			if (!this.running) {
				return;
			}
			this.running = false;
			pubSub = this.connection;
			this.connection = null;
			if (this.retries != null) {
				this.retries.shutdownNow();
				this.retries = null;
			}
			setSubscribed(false);
		}
		if (pubSub != null) {
			pubSub.removeListener((RedisPubSubListener<byte[], byte[]>) this.listener);
			pubSub.removeListener((RedisConnectionStateListener) this.listener);
			pubSub.close();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void setSubscribed(boolean subscribed) {
		synchronized (this.monitor) {
			// counted as a clear when it may drop entries: going down, or coming back after a drop
			boolean clears = subscribed ? this.everSubscribed : this.subscribed;
			this.subscribed = subscribed;
			this.everSubscribed |= subscribed;
			this.caches.values().forEach((registration) -> {
				registration.layer.setLive(subscribed);
				if (clears) {
					registration.metrics.nearCacheInvalidation();
				}
			});
		}
	}

	private void receive(byte[] message) {
		String text = new String(message, StandardCharsets.UTF_8);
		String[] parts = text.split("\n", 5);
		if (parts.length != 5 || !VERSION.equals(parts[0]) || parts[2].length() != 1) {
			// a message we cannot read may have been meant for us: drop everything rather than serve stale;
			// the message itself is not logged (anyone who may publish can write anything into it)
			this.warnOnce.warn("message", "Unreadable message on the near-cache invalidation channel "
					+ getChannel() + "; clearing all near caches", null);
			this.caches.values().forEach((registration) -> {
				registration.layer.clear();
				registration.metrics.nearCacheInvalidation();
				registration.metrics.unreadableInvalidation();
			});
			return;
		}
		if (this.senderId.equals(parts[1])) {
			return;
		}
		Registration registration = this.caches.get(parts[3]);
		if (registration == null) {
			return;
		}
		if (parts[2].charAt(0) == KEY) {
			registration.layer.invalidate(parts[4]);
		}
		else {
			registration.layer.clear();
		}
		registration.metrics.nearCacheInvalidation();
	}

	private record Registration(NearCacheLayer layer, CacheMetrics metrics) {
	}

	/**
	 * Called by Lettuce on its event loop: must not block.
	 */
	private final class Listener extends RedisPubSubAdapter<byte[], byte[]> implements RedisConnectionStateListener {

		@Override
		public void message(byte[] channel, byte[] message) {
			receive(message);
		}

		@Override
		public void subscribed(byte[] channel, long count) {
			if (NearCacheInvalidation.this.running) {
				setSubscribed(true);
			}
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			setSubscribed(false);
		}

	}

}

package dev.redisboot.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.pubsub.ChannelPublisher;
import dev.redisboot.pubsub.RedisPublisher;
import dev.redisboot.pubsub.autoconfigure.RedisbootPubSubAutoConfiguration;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.data.redis.annotation.RedisListener;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * A pub/sub fan-out: one message published to a channel with {@link #subscribers} subscribed
 * instances, one operation lasting from the publish until every subscriber's listener has the
 * message, on 1, 16 or 64 publishing threads ({@code -t}), against a redis-server of the
 * benchmark's own.
 * <ul>
 * <li>{@link #redisboot()}: a publishing application's {@link ChannelPublisher} (JSON with the
 * application's mapper, {@code PUBLISH} on Boot's shared connection) and {@link #subscribers}
 * applications, each with a {@code @RedisListener} method taking the record, in Boot's
 * listener container with redisboot's executor, JSON converter and error handling
 * ({@code executor=boot}: with Boot's own executor, a new thread per message);</li>
 * <li>{@link #raw()}: the baseline, Lettuce alone: {@code PUBLISH} of the same JSON on one
 * connection, {@link #subscribers} pub/sub connections whose listeners read the JSON with
 * Jackson on Lettuce's event loop.</li>
 * </ul>
 * Each path has its own channel, so a message reaches only its own subscribers. Sample-time
 * mode: the mean and percentiles of one fan-out; the throughput is threads ÷ mean. The end of
 * each trial prints the messages, the deliveries (subscribers × messages, or the trial fails)
 * and Redis's commands per message ({@code INFO commandstats}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class PubSubFanOutBenchmark {

	static final String REDISBOOT_CHANNEL = "bench:fanout:redisboot";

	static final String RAW_CHANNEL = "bench:fanout:raw";

	/**
	 * Characters of data in each message.
	 */
	static final int DATA_LENGTH = 200;

	/**
	 * Subscribed instances per channel.
	 */
	@Param({ "4" })
	public int subscribers;

	/**
	 * The executor of the subscribers' listener containers: {@code redisboot}, the one the
	 * starter gives Boot's container (4 threads, {@code redisboot.pubsub.listener.*});
	 * {@code boot}, Boot's own default (a new thread per message and listener), set back by
	 * the benchmark, the baseline that made redisboot choose its own.
	 */
	@Param({ "redisboot", "boot" })
	public String executor = "redisboot";

	private BenchmarkRedis redis;

	private ChannelPublisher<Event> publisher;

	private RedisClient rawClient;

	private RedisCommands<byte[], byte[]> rawPublisher;

	private final List<StatefulRedisPubSubConnection<byte[], byte[]>> rawSubscribers = new ArrayList<>();

	private final ObjectWriter writer = JsonMapper.builder().build().writerFor(Event.class);

	private final ObjectReader reader = JsonMapper.builder().build().readerFor(Event.class);

	private final String data = "x".repeat(DATA_LENGTH);

	private final AtomicLong nextSeq = new AtomicLong(1);

	private final Map<Long, CountDownLatch> waiting = new ConcurrentHashMap<>();

	private final LongAdder messages = new LongAdder();

	private final LongAdder deliveries = new LongAdder();

	private final LongAdder strays = new LongAdder();

	private Map<String, Map<String, Long>> commandsBefore;

	private String label;

	@Setup(Level.Trial)
	public void setUp(BenchmarkParams params) {
		start(Trial.label(params));
	}

	/**
	 * Starts Redis, the applications and the raw connections, and waits until every
	 * subscriber is subscribed.
	 * @param label what the summary line is about
	 */
	void start(String label) {
		this.label = label;
		this.redis = BenchmarkRedis.start();
		Trial.setUp(() -> {
			for (int i = 0; i < this.subscribers; i++) {
				this.redis.application(SubscriberApplication.class, "bench.listener-executor=" + this.executor)
					.getBean(Subscriber.class)
					.benchmark = this;
			}
			ConfigurableApplicationContext publishing = this.redis.application(PublisherApplication.class);
			this.publisher = publishing.getBean(RedisPublisher.class).channel(REDISBOOT_CHANNEL, Event.class);
			DataRedisConnectionDetails.Standalone standalone = this.redis.connectionDetails().getStandalone();
			this.rawClient = RedisClient.create(RedisURI.create(standalone.getHost(), standalone.getPort()));
			this.rawPublisher = this.rawClient.connect(ByteArrayCodec.INSTANCE).sync();
			for (int i = 0; i < this.subscribers; i++) {
				StatefulRedisPubSubConnection<byte[], byte[]> connection = this.rawClient
					.connectPubSub(ByteArrayCodec.INSTANCE);
				connection.addListener(new RedisPubSubAdapter<>() {

					@Override
					public void message(byte[] channel, byte[] message) {
						received(PubSubFanOutBenchmark.this.reader.<Event>readValue(message));
					}

				});
				connection.sync().subscribe(RAW_CHANNEL.getBytes(StandardCharsets.UTF_8));
				this.rawSubscribers.add(connection);
			}
			awaitSubscribers(REDISBOOT_CHANNEL);
			awaitSubscribers(RAW_CHANNEL);
			this.commandsBefore = commandCalls();
		}, this::tearDown);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		try {
			if (this.commandsBefore != null && this.messages.sum() > 0) {
				System.out.println();
				System.out.println(summary());
			}
		}
		finally {
			this.rawSubscribers.forEach(StatefulRedisPubSubConnection::close);
			this.rawSubscribers.clear();
			if (this.rawClient != null) {
				this.rawClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
				this.rawClient = null;
			}
			if (this.redis != null) {
				this.redis.close();
				this.redis = null;
			}
			this.commandsBefore = null;
		}
	}

	/**
	 * A fan-out through redisboot's publisher and {@code @RedisListener} methods.
	 * @return the message's sequence number
	 * @throws InterruptedException if interrupted
	 */
	@Benchmark
	public long redisboot() throws InterruptedException {
		Event event = next();
		CountDownLatch received = expect(event);
		this.publisher.publish(event);
		return await(event, received);
	}

	/**
	 * A fan-out through raw Lettuce.
	 * @return the message's sequence number
	 * @throws InterruptedException if interrupted
	 */
	@Benchmark
	public long raw() throws InterruptedException {
		Event event = next();
		CountDownLatch received = expect(event);
		this.rawPublisher.publish(RAW_CHANNEL.getBytes(StandardCharsets.UTF_8), this.writer.writeValueAsBytes(event));
		return await(event, received);
	}

	/**
	 * Called by every subscriber for every message.
	 * @param event the message
	 */
	void received(Event event) {
		this.deliveries.increment();
		CountDownLatch latch = this.waiting.get(event.seq());
		if (latch == null) {
			this.strays.increment();
			return;
		}
		latch.countDown();
	}

	long messages() {
		return this.messages.sum();
	}

	long deliveries() {
		return this.deliveries.sum();
	}

	long strays() {
		return this.strays.sum();
	}

	/**
	 * Commands per message since the start, by {@code primary:command}.
	 * @return the counts
	 */
	Map<String, Double> commandsPerMessage() {
		return BenchmarkDeployment.perOperation(this.commandsBefore, commandCalls(), this.messages.sum());
	}

	String summary() {
		StringBuilder commands = new StringBuilder();
		commandsPerMessage().forEach((command, perCall) -> commands.append(String.format(" %s %.3f", command, perCall)));
		return String.format("PubSubFanOutBenchmark %s, %d subscribers: %,d messages, %,d deliveries, %d strays, "
				+ "commands per message:%s", this.label, this.subscribers, this.messages.sum(), this.deliveries.sum(),
				this.strays.sum(), commands);
	}

	private Event next() {
		return new Event(this.nextSeq.getAndIncrement(), this.data);
	}

	private CountDownLatch expect(Event event) {
		CountDownLatch received = new CountDownLatch(this.subscribers);
		this.waiting.put(event.seq(), received);
		return received;
	}

	private long await(Event event, CountDownLatch received) throws InterruptedException {
		try {
			if (!received.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Message " + event.seq() + " reached " + (this.subscribers
						- received.getCount()) + " of " + this.subscribers + " subscribers within 30 s");
			}
		}
		finally {
			this.waiting.remove(event.seq());
		}
		this.messages.increment();
		return event.seq();
	}

	private void awaitSubscribers(String channel) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (true) {
			Map<byte[], Long> counts = this.redis.rawLettuce().pubsubNumsub(channel.getBytes(StandardCharsets.UTF_8));
			long subscribed = counts.values().stream().mapToLong(Long::longValue).sum();
			if (subscribed == this.subscribers) {
				return;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException(channel + " has " + subscribed + " subscribers, not " + this.subscribers);
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
		}
	}

	private Map<String, Map<String, Long>> commandCalls() {
		Map<String, Long> calls = CommandCounter.calls(this.redis.rawLettuce());
		// the counting's own PUBSUB NUMSUB are not the benchmark's
		calls.remove("pubsub|numsub");
		return Map.of("primary", calls);
	}

	/**
	 * A message.
	 *
	 * @param seq its sequence number, unique in a trial
	 * @param data filler, {@value #DATA_LENGTH} characters
	 */
	public record Event(long seq, String data) {
	}

	/**
	 * A subscribed instance's listener.
	 */
	public static class Subscriber {

		volatile PubSubFanOutBenchmark benchmark;

		/**
		 * Receives a message.
		 * @param event the message, read from JSON
		 */
		@RedisListener(REDISBOOT_CHANNEL)
		public void on(Event event) {
			PubSubFanOutBenchmark benchmark = this.benchmark;
			if (benchmark != null) {
				benchmark.received(event);
			}
		}

	}

	/**
	 * A subscribed instance: Boot's listener container and redisboot's pub/sub.
	 */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
			RedisbootPubSubAutoConfiguration.class })
	static class SubscriberApplication {

		@Bean
		Subscriber subscriber() {
			return new Subscriber();
		}

		@Bean
		static BeanPostProcessor listenerExecutor(Environment environment) {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (bean instanceof RedisMessageListenerContainer container
							&& "boot".equals(environment.getProperty("bench.listener-executor"))) {
						container.setTaskExecutor(new SimpleAsyncTaskExecutor(
								RedisMessageListenerContainer.DEFAULT_THREAD_NAME_PREFIX));
					}
					return bean;
				}

			};
		}

	}

	/**
	 * The publishing instance.
	 */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
			RedisbootPubSubAutoConfiguration.class })
	static class PublisherApplication {

	}

}

package dev.redisboot.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.core.redis.RedisCommandException;
import dev.redisboot.schedule.FireTimes;
import dev.redisboot.schedule.JobScheduler;
import dev.redisboot.schedule.MicrometerScheduleMetrics;
import dev.redisboot.schedule.MissedFires;
import dev.redisboot.schedule.RecurringJob;
import dev.redisboot.stream.StreamTestApplication.Email;
import dev.redisboot.stream.StreamTestApplication.Order;
import dev.redisboot.stream.autoconfigure.RedisbootStreamAutoConfiguration;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static dev.redisboot.stream.StreamInstances.recorder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Jobs on a Redis that is up but does not answer (the process is frozen: connections stay
 * open, nothing is answered): an enqueue fails within {@code redisboot.stream.timeout}, yet
 * the command it had sent runs once Redis answers, so the job may run although its caller saw
 * a failure (a retry with an idempotency key does not run it twice); consumers resume by
 * themselves. Once the producers' circuit breaker is open, concurrent producers fail at once
 * and only its probes reach Redis, while the consumers' failing reads never open it. The
 * server is the class's own: it is paused, and its command statistics are reset.
 */
class StreamHungRedisIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	/** The producers' timeout in the breaker test: what a call waits without the breaker. */
	private static final Duration BREAKER_TIMEOUT = Duration.ofMillis(500);

	private static final int THRESHOLD = 2;

	/** Long enough never to pass by itself: the test steps the breaker's clock. */
	private static final Duration OPEN = Duration.ofMinutes(10);

	private static final int PRODUCERS = 12;

	private static StandaloneRedis redis;

	@BeforeAll
	static void startRedis() {
		redis = StandaloneRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void enqueueFailsWithinTheTimeoutItsCommandStillRunsAndConsumersResume() {
		try (ConfigurableApplicationContext a = StreamInstances.start(redis, "frozen",
				"redisboot.stream.timeout=" + TIMEOUT.toMillis() + "ms")) {
			JobQueue jobs = a.getBean(JobQueue.class);
			jobs.enqueue("email", new Email("before@example.com"), "before"); // loads the enqueue script
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:before@example.com")).hasSize(1));
			redis.node().pause();
			try {
				failsWithin(() -> jobs.enqueue("email", new Email("plain@example.com")));
				failsWithin(() -> jobs.enqueue("email", new Email("keyed@example.com"), "keyed"));
			}
			finally {
				redis.node().resume();
			}
			// the caller saw a failure, but its XADD was on its way: Redis runs it once it answers
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:plain@example.com")).hasSize(1));
			// the caller retries with its idempotency key: the job runs once either way
			await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
				.until(() -> jobs.enqueue("email", new Email("keyed@example.com"), "keyed") != null);
			jobs.enqueue("email", new Email("after@example.com"));
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(recorder(a).handled("email:after@example.com")).hasSize(1);
				assertThat(recorder(a).handled("email:keyed@example.com")).hasSize(1);
			});
			assertThat(recorder(a).handled("email:plain@example.com")).hasSize(1);
		}
	}

	/**
	 * While Redis does not answer: the consumers' reads fail without opening the producers'
	 * breaker; {@value #THRESHOLD} enqueues that time out open it; then {@value #PRODUCERS}
	 * threads, started together, call every enqueue method, {@code cancel},
	 * {@code StreamPublisher.add} and {@code status}, and each call returns at once
	 * (status empty, the others throwing an unavailable {@code RedisCommandException}),
	 * counted as short-circuited; once the breaker's back-off has passed, one of
	 * {@value #PRODUCERS} concurrent enqueues probes and the others still fail at once. After
	 * Redis answers, a recurring job whose enqueue was short-circuited is counted as failed
	 * and enqueued at its retry, after the back-off; everything works again without a restart,
	 * and Redis's own statistics show that only the enqueues that opened the breaker and the
	 * probe reached it.
	 */
	@Test
	void onceTheBreakerIsOpenProducersFailAtOnceOnlyProbesReachRedisAndConsumersNeverOpenIt()
			throws InterruptedException {
		try (ConfigurableApplicationContext a = StreamInstances.start(redis, "breaker",
				new Class<?>[] { SteppedBreaker.class }, "redisboot.stream.timeout=" + BREAKER_TIMEOUT.toMillis() + "ms")) {
			JobQueue jobs = a.getBean(JobQueue.class);
			StreamPublisher publisher = a.getBean(StreamPublisher.class);
			RedisCircuitBreaker breaker = jobs.getCircuitBreaker();
			AtomicLong breakerClock = a.getBean(SteppedBreaker.class).millis;
			MeterRegistry registry = a.getBean(MeterRegistry.class);
			assertThat(publisher.getCircuitBreaker()).isSameAs(breaker);
			String before = jobs.enqueue("email", new Email("before@example.com"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:before@example.com")).hasSize(1));
			assertThat(shortCircuited(registry, "jobs")).as("registered at 0").isZero();
			RedisNode node = redis.node();
			node.execute("CONFIG", "RESETSTAT");
			double consumerFaults = consumerFaults(registry);
			node.pause();
			Queue<String> sent = new ConcurrentLinkedQueue<>();
			try {
				// the consumers' reads and moves fail meanwhile: never the producers' breaker's business
				await().atMost(Duration.ofSeconds(10)).until(() -> consumerFaults(registry) > consumerFaults);
				assertThat(breaker.isOpen()).as("opened by a consumer").isFalse();
				for (int i = 1; i <= THRESHOLD; i++) {
					String to = "frozen-" + i + "@example.com";
					failsWithin(() -> jobs.enqueue("email", new Email(to)), BREAKER_TIMEOUT);
					sent.add("email:" + to);
				}
				assertThat(breaker.isOpen()).isTrue();
				Duration slowest = concurrently((thread) -> everyProducerCall(jobs, publisher, before, thread));
				assertThat(slowest).as("the slowest thread's 10 calls under the open breaker")
					.isLessThan(BREAKER_TIMEOUT);
				assertThat(shortCircuited(registry, "jobs")).as("7 enqueue methods a thread")
					.isEqualTo(PRODUCERS * 7);
				assertThat(shortCircuited(registry, "orders")).isEqualTo(PRODUCERS);
				assertThat(count(registry, "redisboot.jobs.cancellations", "outcome")).isEqualTo(PRODUCERS);
				assertThat(count(registry, "redisboot.jobs.status-lookups", "result")).isEqualTo(PRODUCERS);

				// the back-off passes: one enqueue probes (and waits for the timeout), the others fail at once
				breakerClock.addAndGet(OPEN.toMillis());
				Queue<String> probes = new ConcurrentLinkedQueue<>();
				concurrently((thread) -> {
					String to = "probe-" + thread + "@example.com";
					RedisCommandException ex = catchUnavailable(() -> jobs.enqueue("email", new Email(to)));
					if (!ex.getMessage().contains("circuit breaker")) {
						probes.add("email:" + to);
					}
				});
				assertThat(probes).as("probes among " + PRODUCERS + " concurrent enqueues").hasSize(1);
				sent.addAll(probes);
				assertThat(breaker.isOpen()).as("opened again by the failed probe").isTrue();
				assertThat(shortCircuited(registry, "jobs")).isEqualTo(PRODUCERS * 8 - 1);
			}
			finally {
				node.resume();
			}
			assertThat(breaker.isOpen()).as("open until its back-off passes, although Redis answers").isTrue();
			recurringJobShortCircuitedIsRetriedAfterItsBackOff(a, jobs, breakerClock);
			assertThat(breaker.isOpen()).as("closed by the recurring job's enqueue, a probe").isFalse();
			sent.add("email:scheduled@example.com");

			// everything works again, without a restart
			String after = jobs.enqueue("email", new Email("after@example.com"));
			sent.add("email:after@example.com");
			publisher.add("orders", new Order("after-pause", 0));
			assertThat(jobs.status(after)).isPresent();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				for (String job : sent) {
					assertThat(recorder(a).handled(job)).as(job).hasSize(1);
				}
				assertThat(recorder(a).handled("ship:after-pause")).hasSize(1);
			});
			assertThat(recorder(a).handled("email:")).as("the jobs handled, none short-circuited")
				.hasSize(sent.size() + 1);
			// the enqueues that opened the breaker, the probe, and the three adds after it: nothing else
			assertThat(calls(node, "xadd")).as("XADDs Redis ran").isEqualTo(THRESHOLD + 1 + 1 + 1 + 1);
			assertThat(calls(node, "hgetall")).as("status reads Redis ran (status and cancel)").isEqualTo(1);
			assertThat(calls(node, "zadd")).as("delayed enqueues Redis ran").isZero();
		}
	}

	/**
	 * A recurring job's enqueue that the open breaker short-circuits, while Redis answers the
	 * scheduler's own reads: counted as failed, retried after its back-off, not before, and
	 * enqueued once the breaker lets it through.
	 */
	private static void recurringJobShortCircuitedIsRetriedAfterItsBackOff(ConfigurableApplicationContext context,
			JobQueue jobs, AtomicLong breakerClock) {
		AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T08:00:05Z"));
		MeterRegistry registry = new SimpleMeterRegistry();
		JobScheduler scheduler = new JobScheduler(jobs,
				// the scheduler's own reads: Redis answers them, however busy it is catching up
				new LettuceCommands(context.getBean(LettuceConnectionFactory.class), Duration.ofSeconds(10)),
				context.getBean(RedisKeyNamer.class),
				List.of(new RecurringJob("mail", "email", FireTimes.fixedRate(Duration.ofMinutes(1), Instant.EPOCH),
						Map.of("to", "scheduled@example.com"), MissedFires.RUN_ONCE, Duration.ofMinutes(1))),
				new MicrometerScheduleMetrics(registry), new InstantClock(now));
		scheduler.fireDue();
		now.set(Instant.parse("2026-12-02T08:01:00.500Z"));
		double shortCircuited = shortCircuited(context.getBean(MeterRegistry.class), "jobs");
		scheduler.fireDue();
		assertThat(fires(registry, "failed")).as("the 08:01 fire time, short-circuited").isOne();
		assertThat(fires(registry, "enqueued")).isZero();
		assertThat(shortCircuited(context.getBean(MeterRegistry.class), "jobs")).isEqualTo(shortCircuited + 1);
		breakerClock.addAndGet(OPEN.toMillis());
		now.set(Instant.parse("2026-12-02T08:01:01Z"));
		scheduler.fireDue();
		assertThat(fires(registry, "enqueued")).as("within the back-off of 1 s").isZero();
		now.set(Instant.parse("2026-12-02T08:01:01.600Z"));
		scheduler.fireDue();
		assertThat(fires(registry, "enqueued")).as("retried after the back-off").isOne();
		assertThat(fires(registry, "failed")).as("counted once").isOne();
	}

	/**
	 * Every producer call, starting at a different one per thread; each must be refused at
	 * once without reaching Redis.
	 */
	private static void everyProducerCall(JobQueue jobs, StreamPublisher publisher, String jobId, int thread) {
		String to = "burst-" + thread + "@example.com";
		Email email = new Email(to);
		List<ThrowingCallable> calls = List.of(() -> jobs.enqueue("email", email),
				() -> jobs.enqueue("email", email, "key-" + thread),
				() -> jobs.enqueueUnique("email", email, "unique-" + thread),
				() -> jobs.enqueueUniqueIn(Duration.ofSeconds(1), "email", email, "unique-in-" + thread),
				() -> jobs.enqueueIn(Duration.ofSeconds(1), "email", email),
				() -> jobs.enqueueAt(Instant.now().plusSeconds(1), "email", email, null),
				() -> jobs.enqueueIfAbsent("email", email, "absent-" + thread), () -> jobs.cancel(jobId),
				() -> publisher.add("orders", new Order("burst-" + thread, 0)));
		for (int i = 0; i < calls.size(); i++) {
			RedisCommandException ex = catchUnavailable(calls.get((i + thread) % calls.size()));
			assertThat(ex).hasMessageContaining("circuit breaker").hasNoCause();
		}
		assertThat(jobs.status(jobId)).as("status under the open breaker").isEqualTo(Optional.empty());
	}

	private static RedisCommandException catchUnavailable(ThrowingCallable call) {
		RedisCommandException ex = catchThrowableOfType(RedisCommandException.class, call);
		assertThat(ex).as("an unavailable RedisCommandException").isNotNull();
		assertThat(ex.isRedisUnavailable()).isTrue();
		return ex;
	}

	/**
	 * Runs a task on {@value #PRODUCERS} threads released together by a latch.
	 * @return the longest any thread took
	 */
	private static Duration concurrently(ThreadTask task) throws InterruptedException {
		CountDownLatch start = new CountDownLatch(1);
		AtomicLong slowest = new AtomicLong();
		Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < PRODUCERS; i++) {
			int index = i;
			Thread thread = new Thread(() -> {
				try {
					start.await(30, TimeUnit.SECONDS);
					long began = System.nanoTime();
					task.run(index);
					slowest.accumulateAndGet(System.nanoTime() - began, Math::max);
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}, "producer-" + i);
			threads.add(thread);
			thread.start();
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join(Duration.ofSeconds(30).toMillis());
			assertThat(thread.isAlive()).as("a producer hangs").isFalse();
		}
		assertThat(failures).isEmpty();
		return Duration.ofNanos(slowest.get());
	}

	private static double shortCircuited(MeterRegistry registry, String stream) {
		return registry.get("redisboot.stream.adds").tags("stream", stream, "result", "short-circuited").counter().count();
	}

	private static double count(MeterRegistry registry, String name, String tag) {
		return registry.get(name).tags("stream", "jobs", tag, "short-circuited").counter().count();
	}

	/**
	 * The consumers' failed reads, acknowledgements and moves of due entries, of any stream.
	 */
	private static double consumerFaults(MeterRegistry registry) {
		return registry.find("redisboot.stream.faults")
			.counters()
			.stream()
			.filter((counter) -> List.of("consume", "move").contains(counter.getId().getTag("cause")))
			.mapToDouble(Counter::count)
			.sum();
	}

	private static double fires(MeterRegistry registry, String result) {
		return registry.get("redisboot.schedule.fires").tags("schedule", "mail", "result", result).counter().count();
	}

	private static long calls(RedisNode node, String command) {
		String value = node.info("commandstats").get("cmdstat_" + command);
		if (value == null) {
			return 0;
		}
		for (String part : value.split(",")) {
			if (part.startsWith("calls=")) {
				return Long.parseLong(part.substring("calls=".length()));
			}
		}
		return 0;
	}

	private static void failsWithin(ThrowingCallable enqueue) {
		failsWithin(enqueue, TIMEOUT);
	}

	private static void failsWithin(ThrowingCallable enqueue, Duration timeout) {
		long started = System.nanoTime();
		assertThatRuntimeException().isThrownBy(enqueue);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(timeout.plusSeconds(2));
	}

	@FunctionalInterface
	interface ThreadTask {

		void run(int thread) throws Exception;

	}

	/**
	 * The producers' circuit breaker, in place of the auto-configured one, on a clock that
	 * the test steps: it opens after {@value #THRESHOLD} failures and stays open until the
	 * test moves its clock by {@link #OPEN}.
	 */
	@Configuration(proxyBeanMethods = false)
	static class SteppedBreaker {

		final AtomicLong millis = new AtomicLong(1_000_000);

		@Bean(name = RedisbootStreamAutoConfiguration.CIRCUIT_BREAKER_BEAN_NAME, defaultCandidate = false)
		RedisCircuitBreaker redisbootStreamCircuitBreaker() {
			return new RedisCircuitBreaker(THRESHOLD, OPEN, new MillisClock(this.millis));
		}

	}

	/**
	 * A clock whose milliseconds a test sets.
	 */
	static final class MillisClock extends Clock {

		private final AtomicLong millis;

		MillisClock(AtomicLong millis) {
			this.millis = millis;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public long millis() {
			return this.millis.get();
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(millis());
		}

	}

	/**
	 * A clock at an instant a test sets.
	 */
	static final class InstantClock extends Clock {

		private final AtomicReference<Instant> now;

		InstantClock(AtomicReference<Instant> now) {
			this.now = now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now.get();
		}

	}

}

package dev.redisboot.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.redisboot.lock.AbstractDistributedLocksIntegrationTests.lockKey;
import static dev.redisboot.lock.LockInstances.acquisitions;
import static dev.redisboot.lock.LockInstances.count;
import static dev.redisboot.lock.LockInstances.locks;
import static dev.redisboot.lock.LockInstances.runs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults in the lock key family, on a server of the class's own where the application
 * connects as an ACL user with what managed Redis services grant
 * ({@code +@all -@dangerous ~* &*}), changed by the tests: bad state in a lock key or a
 * fencing counter, keys and scripts the user may not use, and Redis stopped. Every case: no
 * exception reaches the caller or the scheduled method's caller, the run is skipped or the
 * lock not taken (fail closed), the outcome is counted, logging is bounded and without
 * stack traces, and locks work again without a restart.
 */
@ExtendWith(OutputCaptureExtension.class)
class LockFaultIntegrationTests {

	/** Longer than the timeout: a failed probe keeps the breaker open a while. */
	private static final Duration OPEN = Duration.ofSeconds(1);

	private static final int CALLERS = 8;

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

	@BeforeEach
	void grantWhatManagedRedisGrants() {
		grant();
	}

	private static void grant() {
		redis.node().execute("ACL", "SETUSER", "app", "reset", "on", ">app-secret", "~*", "&*", "+@all", "-@dangerous");
	}

	private static ConfigurableApplicationContext start(String prefix) {
		return LockInstances.start(redis, prefix, "spring.data.redis.username=app",
				"spring.data.redis.password=app-secret", "redisboot.lock.timeout=500ms",
				"redisboot.lock.circuit-breaker.open-duration=" + OPEN.toMillis() + "ms");
	}

	static Stream<Arguments> heldBadStates() {
		return Stream.of(Arguments.of("a list with an expiry", expiring(wrongType("RPUSH", "x"))),
				Arguments.of("a hash with an expiry", expiring(wrongType("HSET", "f", "v"))),
				Arguments.of("text of another format with an expiry",
						expiring((BiConsumer<RedisNode, String>) (node, key) -> node.execute("SET", key, "garbage"))));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("heldBadStates")
	void aLockKeyWithAnExpiryHoldingSomethingElseIsWaitedOutAsAnotherHolders(String description,
			BiConsumer<RedisNode, String> corrupt, CapturedOutput output) {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext app = start(prefix)) {
			corrupt.accept(redis.node(), lockKey(prefix, "nightly"));
			assertThat(locks(app).tryAcquire("nightly", Duration.ofSeconds(5))).as(description).isEmpty();
			app.getBean(LockTestApplication.Nightly.class).cleanUp();
			assertThat(runs(app, "nightly", "skipped")).isEqualTo(1);
			assertThat(acquisitions(app, "busy")).isEqualTo(2);
			assertThat(count(app, "redisboot.lock.bad.state")).isEqualTo(2);
			redis.node().execute("DEL", lockKey(prefix, "nightly"));
			assertThat(locks(app).tryAcquire("nightly", Duration.ofSeconds(5))).isPresent();
		}
		assertBoundedLogs(output, 1);
	}

	static Stream<Arguments> replacedBadStates() {
		return Stream.of(Arguments.of("a list without expiry", wrongType("RPUSH", "x")),
				Arguments.of("a set without expiry", wrongType("SADD", "x")),
				Arguments.of("a stream without expiry", wrongType("XADD", "*", "f", "v")),
				Arguments.of("text without expiry",
						(BiConsumer<RedisNode, String>) (node, key) -> node.execute("SET", key, "garbage")),
				Arguments.of("a lock of redisboot's format whose expiry was removed",
						(BiConsumer<RedisNode, String>) (node, key) -> node.execute("SET", key, "12:some-owner")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("replacedBadStates")
	void aLockKeyWithoutExpiryIsReplacedSinceNoOneWouldEverReleaseIt(String description,
			BiConsumer<RedisNode, String> corrupt, CapturedOutput output) {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext app = start(prefix)) {
			corrupt.accept(redis.node(), lockKey(prefix, "nightly"));
			AtomicInteger body = new AtomicInteger();
			LockTestApplication.Nightly nightly = app.getBean(LockTestApplication.Nightly.class);
			nightly.setBody(body::incrementAndGet);
			nightly.cleanUp();
			assertThat(body).as(description).hasValue(1);
			assertThat(runs(app, "nightly", "ran")).isEqualTo(1);
			assertThat(count(app, "redisboot.lock.bad.state")).isEqualTo(1);
			assertThat(redis.node().execute("EXISTS", lockKey(prefix, "nightly"))).as("released").isEqualTo(0L);
			assertThat(locks(app).tryAcquire("nightly", Duration.ofSeconds(5))).isPresent();
		}
		assertBoundedLogs(output, 1);
	}

	@Test
	void aFencingCounterHoldingGarbageIsReplacedAndTokensStillRise(CapturedOutput output) {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext app = start(prefix)) {
			String fence = lockKey(prefix, "ledger") + ":fence";
			long first = release(locks(app).tryAcquire("ledger", Duration.ofSeconds(5)).orElseThrow());
			redis.node().execute("SET", fence, "not a number");
			long second = release(locks(app).tryAcquire("ledger", Duration.ofSeconds(5)).orElseThrow());
			redis.node().execute("DEL", fence);
			redis.node().execute("HSET", fence, "f", "v");
			long third = release(locks(app).tryAcquire("ledger", Duration.ofSeconds(5)).orElseThrow());
			redis.node().execute("DEL", fence);
			long fourth = release(locks(app).tryAcquire("ledger", Duration.ofSeconds(5)).orElseThrow());
			long fifth = release(locks(app).tryAcquire("ledger", Duration.ofSeconds(5)).orElseThrow());
			assertThat(List.of(first, second, third, fourth, fifth)).as("a lost counter (deleted, as by a restart "
					+ "without persistence) restarts from the server's clock, above every token before").isSorted()
				.doesNotHaveDuplicates();
			assertThat(count(app, "redisboot.lock.bad.state")).isEqualTo(2);
		}
		assertBoundedLogs(output, 1);
	}

	@Test
	void anAclUserWhoseKeyPatternExcludesLockKeysFailsClosedAndRecovers(CapturedOutput output) {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext app = start(prefix)) {
			redis.node().execute("ACL", "SETUSER", "app", "resetkeys", "~tight:*");
			assertFailsClosedAndRecovers(app, () -> grant(), output, "NOPERM");
		}
	}

	@Test
	void anAclUserWhoMayNotRunScriptsFailsClosedAndRecovers(CapturedOutput output) {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext app = start(prefix)) {
			redis.node().execute("ACL", "SETUSER", "app", "-evalsha", "-eval");
			assertFailsClosedAndRecovers(app, () -> grant(), output, "NOPERM");
		}
	}

	@Test
	void whileRedisIsStoppedLocksFailClosedAndScheduledRunsAreSkipped(CapturedOutput output) {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext app = start(prefix)) {
			LockLease held = locks(app).tryAcquire("held", Duration.ofSeconds(30)).orElseThrow();
			redis.node().stop();
			try {
				assertThat(held.release()).as("cannot be asked: ends with its lease").isFalse();
				assertThat(count(app, "redisboot.lock.releases", "result", "error")).isEqualTo(1);
				assertFailsClosed(app);
				assertThat(acquisitions(app, "short-circuited")).as("after 3 failures, at once").isPositive();
			}
			finally {
				redis.node().start();
				grant();
			}
			assertRecovered(app);
		}
		assertBoundedLogs(output, 1);
		assertThat(output).contains("Redis is unavailable for distributed locks");
	}

	@Test
	void whileRedisDoesNotAnswerLocksFailClosedWithinTheTimeoutAndAtOnceOnceTheBreakerIsOpen(CapturedOutput output)
			throws InterruptedException {
		String prefix = LockInstances.newPrefix();
		Duration bound = Duration.ofMillis(500).plusSeconds(2); // redisboot.lock.timeout, and room for a loaded machine
		Duration lease = Duration.ofSeconds(2);
		try (ConfigurableApplicationContext app = start(prefix)) {
			locks(app).tryAcquire("warm-up", Duration.ofSeconds(1)).orElseThrow().release(); // both scripts loaded
			LockLease held = locks(app).tryAcquire("held", Duration.ofSeconds(30)).orElseThrow();
			AtomicInteger body = new AtomicInteger();
			LockTestApplication.Nightly nightly = app.getBean(LockTestApplication.Nightly.class);
			nightly.setBody(body::incrementAndGet);
			redis.node().execute("CONFIG", "RESETSTAT");
			AtomicInteger concurrentCalls = new AtomicInteger();
			long window;
			redis.node().pause();
			try {
				assertThat(timed(() -> held.release(), bound).booleanValue()).as("cannot be asked: ends with its lease")
					.isFalse();
				assertThat(timed(() -> locks(app).tryAcquire("nightly", lease), bound)).isEmpty();
				assertThat(timed(() -> locks(app).acquire("nightly", lease, Duration.ofSeconds(5)), bound))
					.as("no waiting on a failure")
					.isEmpty();
				// three failures in a row (the release, and the two acquisitions): the breaker is open
				assertThat(locks(app).getCircuitBreaker().isOpen()).isTrue();
				assertThat(timed(() -> locks(app).runLocked("nightly", lease, () -> "ran"), Duration.ofMillis(250)))
					.as("at once")
					.isEmpty();
				timed(() -> {
					nightly.cleanUp();
					return null;
				}, Duration.ofMillis(250));
				window = System.nanoTime();
				concurrentTryAcquires(app, concurrentCalls, bound);
				window = System.nanoTime() - window;
			}
			finally {
				redis.node().resume();
			}
			assertThat(body).as("skipped, never run without the lock").hasValue(0);
			assertThat(runs(app, "nightly", "skipped")).isEqualTo(1);
			// the acquisitions that reached Redis: two before the breaker opened, and its probes, one at a time
			long probesAtMost = Duration.ofNanos(window).toMillis() / OPEN.toMillis() + 1;
			long probes = (long) acquisitions(app, "error") - 2;
			assertThat(probes).as("probes").isBetween(1L, probesAtMost);
			assertThat(acquisitions(app, "short-circuited")).isEqualTo(2 + concurrentCalls.get() - probes);
			assertThat(count(app, "redisboot.lock.releases", "result", "error")).isEqualTo(1);
			// Redis runs the scripts that were sent once it answers: the release, two acquisitions, the probes
			await().atMost(Duration.ofSeconds(10)).until(() -> evalshas() >= 3 + probes);
			assertThat(evalshas()).as("scripts that reached Redis").isEqualTo(3 + probes);
			// the commands that timed out were on their way: Redis runs them once it answers again, so the
			// first acquisition takes the lock for its lease, for a holder that gave up (fails closed)
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
					(Long) redis.node().execute("PTTL", AbstractDistributedLocksIntegrationTests.lockKey(prefix, "nightly")))
				.isBetween(1L, lease.toMillis()));
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				nightly.cleanUp();
				assertThat(body).as("runs once the lease has ended").hasValue(1);
			});
			assertThat(runs(app, "nightly", "ran")).isEqualTo(1);
		}
		assertBoundedLogs(output, 1);
		assertThat(output).contains("Redis is unavailable for distributed locks");
	}

	/**
	 * {@value #CALLERS} threads try a lock for 2.5 s while Redis does not answer and the
	 * breaker is open: each call fails closed, the probes within the timeout, the others at once.
	 */
	private static void concurrentTryAcquires(ConfigurableApplicationContext app, AtomicInteger calls, Duration bound)
			throws InterruptedException {
		AtomicInteger taken = new AtomicInteger();
		AtomicLong slowest = new AtomicLong();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> callers = new ArrayList<>();
		long deadline = System.nanoTime() + Duration.ofMillis(2500).toNanos();
		for (int i = 0; i < CALLERS; i++) {
			Thread caller = new Thread(() -> {
				try {
					start.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				while (System.nanoTime() < deadline) {
					long started = System.nanoTime();
					if (locks(app).tryAcquire("concurrent", Duration.ofSeconds(5)).isPresent()) {
						taken.incrementAndGet();
					}
					slowest.accumulateAndGet(System.nanoTime() - started, Math::max);
					calls.incrementAndGet();
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
				}
			}, "lock-caller-" + i);
			callers.add(caller);
			caller.start();
		}
		start.countDown();
		for (Thread caller : callers) {
			caller.join(Duration.ofSeconds(30).toMillis());
			assertThat(caller.isAlive()).as("a caller hangs").isFalse();
		}
		assertThat(taken).as("taken while Redis does not answer").hasValue(0);
		assertThat(calls.get()).as("calls in 2.5 s").isGreaterThanOrEqualTo(CALLERS * 2);
		// without a breaker each call waits for the timeout: CALLERS calls would take 4 s at least
		assertThat(Duration.ofNanos(slowest.get())).as("the slowest call").isLessThan(bound);
	}

	private static long evalshas() {
		Map<String, String> stats = redis.node().info("commandstats");
		String value = stats.get("cmdstat_evalsha");
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

	private static <T> T timed(Supplier<T> call, Duration bound) {
		long started = System.nanoTime();
		T result = call.get();
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(bound);
		return result;
	}

	private static void assertFailsClosedAndRecovers(ConfigurableApplicationContext app, Runnable fix,
			CapturedOutput output, String reply) {
		assertFailsClosed(app);
		assertThat(acquisitions(app, "short-circuited")).as("a refusal does not open the breaker").isZero();
		assertThat(output).contains(reply);
		assertBoundedLogs(output, 1);
		fix.run();
		assertRecovered(app);
	}

	private static void assertFailsClosed(ConfigurableApplicationContext app) {
		AtomicInteger body = new AtomicInteger();
		LockTestApplication.Nightly nightly = app.getBean(LockTestApplication.Nightly.class);
		nightly.setBody(body::incrementAndGet);
		for (int i = 0; i < 3; i++) {
			assertThat(locks(app).tryAcquire("nightly", Duration.ofSeconds(5))).isEmpty();
			assertThat(locks(app).acquire("nightly", Duration.ofSeconds(5), Duration.ofSeconds(5)))
				.as("no waiting on a failure")
				.isEmpty();
			assertThat(locks(app).runLocked("nightly", Duration.ofSeconds(5), () -> "ran")).isEmpty();
			nightly.cleanUp();
		}
		assertThat(body).as("skipped, never run without the lock").hasValue(0);
		assertThat(runs(app, "nightly", "skipped")).isEqualTo(3);
		// a refusal does not open the circuit breaker, an unavailable Redis does (after 3 failures)
		assertThat(acquisitions(app, "error") + acquisitions(app, "short-circuited")).isEqualTo(12);
	}

	private static void assertRecovered(ConfigurableApplicationContext app) {
		// after a restart Lettuce reconnects on its own back-off
		await().atMost(Duration.ofSeconds(30))
			.until(() -> locks(app).runLocked("probe", Duration.ofSeconds(1), () -> true).isPresent());
		AtomicInteger body = new AtomicInteger();
		LockTestApplication.Nightly nightly = app.getBean(LockTestApplication.Nightly.class);
		nightly.setBody(body::incrementAndGet);
		nightly.cleanUp();
		assertThat(body).hasValue(1);
		assertThat(runs(app, "nightly", "ran")).isEqualTo(1);
		assertThat(locks(app).tryAcquire("nightly", Duration.ofSeconds(5))).isPresent();
	}

	private static long release(LockLease lease) {
		assertThat(lease.release()).isTrue();
		return lease.fencingToken();
	}

	/**
	 * At most {@code warnings} WARN lines of the locks, and no stack trace of them.
	 */
	private static void assertBoundedLogs(CapturedOutput output, int warnings) {
		List<String> lines = new ArrayList<>(output.getAll().lines().toList());
		assertThat(lines.stream().filter((line) -> line.contains(" WARN ") && line.contains("DistributedLocks")).count())
			.as("warnings of the locks").isLessThanOrEqualTo(warnings);
		assertThat(lines).noneMatch((line) -> line.contains("at dev.redisboot.lock") || line.contains("ERROR"));
	}

	private static BiConsumer<RedisNode, String> wrongType(String command, String... arguments) {
		return (node, key) -> {
			node.execute("DEL", key);
			String[] args = new String[arguments.length + 2];
			args[0] = command;
			args[1] = key;
			System.arraycopy(arguments, 0, args, 2, arguments.length);
			node.execute(args);
		};
	}

	private static BiConsumer<RedisNode, String> expiring(BiConsumer<RedisNode, String> write) {
		return (node, key) -> {
			write.accept(node, key);
			node.execute("PEXPIRE", key, "60000");
		};
	}

}

package dev.redisboot.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.redisboot.test.RedisDeployment;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static dev.redisboot.lock.LockInstances.acquisitions;
import static dev.redisboot.lock.LockInstances.count;
import static dev.redisboot.lock.LockInstances.expirations;
import static dev.redisboot.lock.LockInstances.locks;
import static dev.redisboot.lock.LockInstances.runs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Distributed locks between instances (application contexts, each with its own connection
 * factory) on one Redis: one holder at a time, rising fencing tokens, a holder paused past
 * its lease refused, the watchdog, and {@code @ScheduledOnce} raced by three instances over
 * many fire times. Run on standalone, Cluster and a least-privilege ACL user by the
 * subclasses.
 */
abstract class AbstractDistributedLocksIntegrationTests {

	private static final ThreadLocal<boolean[]> ran = new ThreadLocal<>();

	protected abstract RedisDeployment redis();

	@Test
	void oneHolderAtATimeWithRisingFencingTokens() {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext a = LockInstances.start(redis(), prefix);
				ConfigurableApplicationContext b = LockInstances.start(redis(), prefix)) {
			LockLease first = locks(a).tryAcquire("billing", Duration.ofSeconds(30)).orElseThrow();
			assertThat(first.isHeld()).isTrue();
			assertThat(locks(b).tryAcquire("billing", Duration.ofSeconds(30))).isEmpty();
			assertThat(locks(a).tryAcquire("billing", Duration.ofSeconds(30))).as("not re-entrant").isEmpty();
			assertThat(locks(b).tryAcquire("another", Duration.ofSeconds(30))).isPresent();
			assertThat(first.release()).isTrue();
			assertThat(first.release()).as("releasing again does nothing").isFalse();
			assertThat(first.isHeld()).isFalse();
			try (LockLease second = locks(b).tryAcquire("billing", Duration.ofSeconds(30)).orElseThrow()) {
				assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
			}
			assertThat(template(a).hasKey(lockKey(prefix, "billing"))).as("released by close()").isFalse();
			assertThat(template(a).hasKey(lockKey(prefix, "billing") + ":fence")).as("the counter stays").isTrue();
			assertThat(acquisitions(a, "acquired")).isEqualTo(1);
			assertThat(acquisitions(a, "busy")).isEqualTo(1);
			assertThat(acquisitions(b, "acquired")).isEqualTo(2);
			assertThat(acquisitions(b, "busy")).isEqualTo(1);
			assertThat(count(a, "redisboot.lock.releases", "result", "released")).isEqualTo(1);
			assertThat(acquisitions(a, "error") + acquisitions(b, "error")).isZero();
		}
	}

	@Test
	void aHolderPausedPastItsLeaseIsRefusedByTheFencedResourceAndCannotReleaseTheNewHoldersLock() {
		String prefix = LockInstances.newPrefix();
		FencedLedger ledger = new FencedLedger();
		try (ConfigurableApplicationContext a = LockInstances.start(redis(), prefix);
				ConfigurableApplicationContext b = LockInstances.start(redis(), prefix)) {
			LockLease paused = locks(a).tryAcquire("ledger", Duration.ofMillis(500)).orElseThrow();
			assertThat(ledger.write("a-1", paused.fencingToken())).isTrue();
			// a "pauses": it neither renews nor releases; b takes the lock once the lease has ended
			LockLease next = await().atMost(Duration.ofSeconds(10))
				.until(() -> locks(b).tryAcquire("ledger", Duration.ofSeconds(30)), Optional::isPresent)
				.orElseThrow();
			assertThat(next.fencingToken()).isGreaterThan(paused.fencingToken());
			assertThat(ledger.write("b-1", next.fencingToken())).isTrue();
			// a wakes up and carries on as if it held the lock
			assertThat(ledger.write("a-2", paused.fencingToken())).as("refused: an older token").isFalse();
			assertThat(paused.release()).isFalse();
			assertThat(template(a).opsForValue().get(lockKey(prefix, "ledger")))
				.as("the new holder's lock is untouched")
				.startsWith(next.fencingToken() + ":");
			assertThat(paused.isHeld()).isFalse();
			assertThat(expirations(a)).as("the dangerous case is counted").isEqualTo(1);
			assertThat(count(a, "redisboot.lock.releases", "result", "lost")).isEqualTo(1);
			assertThat(next.isHeld()).isTrue();
			assertThat(next.release()).isTrue();
			assertThat(ledger.entries).containsExactly("a-1", "b-1");
		}
	}

	@Test
	void acquireWaitsUntilTheHoldersLeaseEndsOrGivesUp() {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext a = LockInstances.start(redis(), prefix);
				ConfigurableApplicationContext b = LockInstances.start(redis(), prefix)) {
			LockLease held = locks(a).tryAcquire("export", Duration.ofSeconds(30)).orElseThrow();
			assertThat(locks(b).acquire("export", Duration.ofSeconds(30), Duration.ofMillis(200))).isEmpty();
			assertThat(acquisitions(b, "busy")).as("one acquisition, however many tries").isEqualTo(1);
			held.release();
			locks(a).tryAcquire("export", Duration.ofMillis(500)).orElseThrow();
			Optional<LockLease> waited = locks(b).acquire("export", Duration.ofSeconds(30), Duration.ofSeconds(10));
			assertThat(waited).isPresent();
			assertThat(acquisitions(b, "acquired")).isEqualTo(1);
			assertThat(a.getBean(io.micrometer.core.instrument.MeterRegistry.class).find("redisboot.lock.wait").timer())
				.isNull();
			assertThat(b.getBean(io.micrometer.core.instrument.MeterRegistry.class)
				.get("redisboot.lock.wait")
				.tag("result", "acquired")
				.timer()
				.count()).isEqualTo(1);
			waited.get().release();
		}
	}

	@Test
	void runLockedKeepsTheLockWhileTheActionRunsLongerThanTheLease() {
		String prefix = LockInstances.newPrefix();
		// renewals every 100 ms: only a stall of a whole lease (on a loaded CI host) could lose the lock
		try (ConfigurableApplicationContext a = LockInstances.start(redis(), prefix,
				"redisboot.lock.watchdog-interval=100ms");
				ConfigurableApplicationContext b = LockInstances.start(redis(), prefix)) {
			Optional<String> result = locks(a).runLocked("rollup", Duration.ofMillis(1500), () -> {
				// more than two leases: without the watchdog b would get the lock
				await().during(Duration.ofMillis(3500))
					.atMost(Duration.ofSeconds(10))
					.until(() -> locks(b).tryAcquire("rollup", Duration.ofSeconds(30)).isEmpty());
				return "done";
			});
			assertThat(result).hasValue("done");
			assertThat(expirations(a)).isZero();
			assertThat(count(a, "redisboot.lock.releases", "result", "released")).isEqualTo(1);
			assertThat(locks(b).tryAcquire("rollup", Duration.ofSeconds(1))).as("released afterwards").isPresent();
			assertThat(locks(a).runLocked("rollup", Duration.ofSeconds(1), () -> "never")).isEmpty();
		}
	}

	@Test
	void exactlyOneOfThreeInstancesRunsEachFireTime() throws Exception {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext a = LockInstances.start(redis(), prefix);
				ConfigurableApplicationContext b = LockInstances.start(redis(), prefix);
				ConfigurableApplicationContext c = LockInstances.start(redis(), prefix)) {
			List<ConfigurableApplicationContext> instances = List.of(a, b, c);
			int fireTimes = 40;
			Map<Integer, AtomicInteger> runsByFireTime = new ConcurrentHashMap<>();
			ExecutorService schedulers = Executors.newFixedThreadPool(instances.size());
			try {
				for (int fireTime = 0; fireTime < fireTimes; fireTime++) {
					int current = fireTime;
					CountDownLatch start = new CountDownLatch(1);
					// the instance that runs keeps running until the others have skipped: no sleep decides
					CountDownLatch othersSkipped = new CountDownLatch(instances.size() - 1);
					List<Future<Boolean>> calls = new ArrayList<>();
					for (ConfigurableApplicationContext instance : instances) {
						LockTestApplication.Nightly nightly = instance.getBean(LockTestApplication.Nightly.class);
						nightly.setBody(() -> {
							ran.get()[0] = true;
							runsByFireTime.computeIfAbsent(current, (key) -> new AtomicInteger()).incrementAndGet();
							try {
								othersSkipped.await(10, TimeUnit.SECONDS);
							}
							catch (InterruptedException ex) {
								Thread.currentThread().interrupt();
							}
						});
						calls.add(schedulers.submit(() -> {
							boolean[] mine = { false };
							ran.set(mine);
							start.await();
							nightly.cleanUp();
							if (!mine[0]) {
								othersSkipped.countDown();
							}
							return mine[0];
						}));
					}
					start.countDown();
					int ranHere = 0;
					for (Future<Boolean> call : calls) {
						ranHere += call.get(30, TimeUnit.SECONDS) ? 1 : 0;
					}
					assertThat(ranHere).as("instances that ran fire time %d", current).isEqualTo(1);
				}
			}
			finally {
				schedulers.shutdownNow();
			}
			assertThat(runsByFireTime).hasSize(fireTimes).allSatisfy((fireTime, runs) -> assertThat(runs).hasValue(1));
			assertThat(instances.stream().mapToDouble((instance) -> runs(instance, "nightly", "ran")).sum())
				.isEqualTo(fireTimes);
			assertThat(instances.stream().mapToDouble((instance) -> runs(instance, "nightly", "skipped")).sum())
				.isEqualTo(2.0 * fireTimes);
			assertThat(instances.stream().mapToDouble((instance) -> acquisitions(instance, "error")).sum()).isZero();
			assertThat(instances.stream().mapToDouble(LockInstances::expirations).sum()).isZero();
		}
	}

	static StringRedisTemplate template(ConfigurableApplicationContext context) {
		return context.getBean(StringRedisTemplate.class);
	}

	static String lockKey(String prefix, String name) {
		return prefix + ":lock:{" + name + "}";
	}

	/**
	 * A resource that refuses writes carrying a fencing token older than the newest it has
	 * seen, as docs/scheduling.md shows.
	 */
	static final class FencedLedger {

		final List<String> entries = new ArrayList<>();

		private final AtomicLong highest = new AtomicLong();

		synchronized boolean write(String entry, long token) {
			if (token < this.highest.get()) {
				return false;
			}
			this.highest.set(token);
			this.entries.add(entry);
			return true;
		}

	}

}

package dev.redisboot.lock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The shared lock tests on one server, and what depends on this instance's clock.
 */
@WithRedis(RedisTopology.STANDALONE)
class DistributedLocksStandaloneIntegrationTests extends AbstractDistributedLocksIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

	@Test
	void isHeldFollowsTheLeaseOnTheInjectedClockAndRenewalExtendsIt() {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext app = LockInstances.start(redis(), prefix)) {
			MutableClock clock = new MutableClock(Instant.parse("2026-12-02T03:00:00Z"));
			DistributedLocks locks = new DistributedLocks(
					new LettuceCommands(app.getBean(LettuceConnectionFactory.class), Duration.ofSeconds(2)),
					new RedisKeyNamer(prefix), LockMetrics.NONE, clock, null);
			LockLease lease = locks.tryAcquire("clocked", Duration.ofMinutes(10)).orElseThrow();
			assertThat(lease.validUntil()).isEqualTo(Instant.parse("2026-12-02T03:10:00Z"));
			clock.advance(Duration.ofMinutes(9));
			assertThat(lease.isHeld()).isTrue();
			assertThat(lease.renew(Duration.ofMinutes(10))).isTrue();
			clock.advance(Duration.ofMinutes(9));
			assertThat(lease.isHeld()).as("renewed at 03:09 for 10 minutes").isTrue();
			clock.advance(Duration.ofMinutes(1));
			assertThat(lease.isHeld()).as("by this instance's clock the lease has ended").isFalse();
			assertThat(lease.release()).as("Redis's clock says it is still ours").isTrue();
			locks.close();
		}
	}

	@Test
	void aScheduledRunThatThrowsIsCountedAsFailedAndReleasesItsLock() {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext app = LockInstances.start(redis(), prefix)) {
			LockTestApplication.Nightly nightly = app.getBean(LockTestApplication.Nightly.class);
			nightly.setBody(() -> {
				throw new IllegalStateException("the job failed");
			});
			assertThatIllegalStateException().isThrownBy(nightly::cleanUp).withMessage("the job failed");
			assertThat(LockInstances.runs(app, "nightly", "failed")).isEqualTo(1);
			assertThat(LockInstances.runs(app, "nightly", "ran")).isZero();
			assertThat(LockInstances.locks(app).tryAcquire("nightly", Duration.ofSeconds(1))).as("released").isPresent();
		}
	}

	@Test
	void namesAndLeasesAreChecked() {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext app = LockInstances.start(redis(), prefix)) {
			DistributedLocks locks = LockInstances.locks(app);
			assertThatIllegalArgumentException().isThrownBy(() -> locks.tryAcquire("", Duration.ofSeconds(1)));
			assertThatIllegalArgumentException().isThrownBy(() -> locks.tryAcquire("a{b}", Duration.ofSeconds(1)));
			assertThatIllegalArgumentException().isThrownBy(() -> locks.tryAcquire("x".repeat(201), Duration.ofSeconds(1)));
			assertThatIllegalArgumentException().isThrownBy(() -> locks.tryAcquire("ok", Duration.ZERO));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> locks.acquire("ok", Duration.ofSeconds(1), Duration.ofSeconds(-1)));
			assertThat(locks.tryAcquire("invoice:42 with spaces", Duration.ofSeconds(1))).isPresent();
		}
	}

	static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
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
			return this.now;
		}

	}

}

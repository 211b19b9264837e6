package dev.redisboot.sample;

import java.time.Duration;
import java.time.Instant;

import dev.redisboot.lock.DistributedLocks;
import dev.redisboot.lock.LockLease;
import dev.redisboot.sample.cleanup.MailRetention;
import dev.redisboot.sample.mail.SentMail;
import dev.redisboot.sample.mail.SentMailRepository;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nightly mail-record purge, a {@code @Scheduled} method that {@code @ScheduledOnce}
 * runs on one instance per fire time: it runs when its lock is free, and skips while another
 * instance (here: a lock taken through {@link DistributedLocks}, as that instance's would be)
 * holds it. Its meters are there, at 0, before the first fire time.
 */
@SampleApplicationTest
class SampleApplicationCleanupIntegrationTests {

	@Autowired
	private MailRetention retention;

	@Autowired
	private SentMailRepository mails;

	@Autowired
	private DistributedLocks locks;

	@Autowired
	private MeterRegistry registry;

	@Test
	void purgesOldMailRecordsOnOneInstancePerFireTime() {
		assertThat(AopUtils.isAopProxy(this.retention)).isTrue();
		assertThat(runs("skipped")).as("shown before the first fire time").isNotNull();
		double ranBefore = runs("ran");
		double skippedBefore = runs("skipped");
		SentMail old = this.mails.save(new SentMail("cleanup-test:old", 1, "old@example.com", "Old", "Body",
				Instant.now().minus(Duration.ofDays(40)), "cleanup-test-1"));
		SentMail recent = this.mails.save(new SentMail("cleanup-test:recent", 1, "recent@example.com", "Recent",
				"Body", Instant.now().minus(Duration.ofDays(1)), "cleanup-test-2"));

		// another instance runs it this time
		try (LockLease other = this.locks.tryAcquire("MailRetention.purge", Duration.ofMinutes(1)).orElseThrow()) {
			this.retention.purge();
			assertThat(this.mails.existsById(old.getId())).as("skipped while another instance has it").isTrue();
		}
		assertThat(runs("skipped")).isEqualTo(skippedBefore + 1);

		this.retention.purge();
		assertThat(this.mails.existsById(old.getId())).isFalse();
		assertThat(this.mails.existsById(recent.getId())).isTrue();
		assertThat(runs("ran")).isEqualTo(ranBefore + 1);
		// lockAtLeastFor: the lock stays for a minute after a quick run, so a late instance skips
		this.retention.purge();
		assertThat(runs("skipped")).isEqualTo(skippedBefore + 2);
		this.mails.delete(recent);
	}

	private double runs(String result) {
		return this.registry.get("redisboot.lock.scheduled.runs")
			.tag("task", "MailRetention.purge")
			.tag("result", result)
			.counter()
			.count();
	}

}

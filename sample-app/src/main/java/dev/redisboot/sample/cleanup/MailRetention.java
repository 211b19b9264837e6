package dev.redisboot.sample.cleanup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.redisboot.lock.ScheduledOnce;
import jakarta.persistence.EntityManager;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deletes the records of mails sent longer ago than {@code sample.cleanup.mail-retention}
 * (30 days), every night at 03:30 UTC ({@code sample.cleanup.cron}). With two or more
 * instances each one's scheduler fires, and {@code @ScheduledOnce} lets exactly one of them
 * run: the others skip, counted in
 * {@code redisboot_lock_scheduled_runs_total{task="MailRetention.purge",result="skipped"}}.
 * <p>
 * {@code lockAtMostFor} is far above the few seconds a purge takes, and is how long an
 * instance that died mid-purge would keep the others from it; {@code lockAtLeastFor} keeps
 * a quick purge's lock for a minute, so an instance whose clock is a few seconds late does
 * not purge again for the same night. The purge is harmless to repeat anyway, as scheduled
 * work should be where it can.
 *
 * @author redisboot
 */
@Component
public class MailRetention {

	private static final Log logger = LogFactory.getLog(MailRetention.class);

	private final EntityManager entityManager;

	private final Duration retention;

	private final Clock clock;

	MailRetention(EntityManager entityManager, @Value("${sample.cleanup.mail-retention:30d}") Duration retention) {
		this.entityManager = entityManager;
		this.retention = retention;
		this.clock = Clock.systemUTC();
	}

	/**
	 * Deletes the old mail records, on one instance per fire time.
	 */
	@Scheduled(cron = "${sample.cleanup.cron:0 30 3 * * *}", zone = "UTC")
	@ScheduledOnce(name = "MailRetention.purge", lockAtMostFor = "10m", lockAtLeastFor = "1m")
	@Transactional
	public void purge() {
		Instant cutoff = this.clock.instant().minus(this.retention);
		int deleted = this.entityManager.createQuery("delete from SentMail mail where mail.sentAt < :cutoff")
			.setParameter("cutoff", cutoff)
			.executeUpdate();
		logger.info("Deleted " + deleted + " mail records sent before " + cutoff);
	}

}

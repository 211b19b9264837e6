package dev.redisboot.sample.billing;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import dev.redisboot.sample.user.Plan;
import dev.redisboot.stream.JobHandler;
import dev.redisboot.stream.StreamDelivery;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * Runs the {@value #JOB_TYPE} jobs that the schedule {@code redisboot.jobs.schedules.usage-invoices}
 * (application.yml) enqueues: one job per fire time across all instances, on whichever
 * instance reads it first. Each job invoices every pro-plan user for the period that just
 * ended: in the demo the previous minute (the schedule fires every minute); with
 * {@code sample.billing.monthly=true} and the monthly cron commented in application.yml, the
 * previous month.
 * <p>
 * Written to run more than once: an invoice is unique per user and period, so a job that runs
 * again (its instance died before acknowledging it, or a catch-up after an outage) writes
 * nothing twice. A catch-up job ({@code missed-fires: run-once}) that runs after the next
 * period began bills the period before its run, not the missed one: a real billing job would
 * also bill every period since each user's last invoice.
 *
 * @author redisboot
 */
@Component
public class UsageBilling {

	/** The job type, and the schedule's name. */
	public static final String JOB_TYPE = "usage-invoices";

	private static final Log logger = LogFactory.getLog(UsageBilling.class);

	private static final BigDecimal PRO_FEE = new BigDecimal("49.00");

	private final UsageInvoiceRepository invoices;

	private final boolean monthly;

	private final Clock clock;

	UsageBilling(UsageInvoiceRepository invoices,
			@Value("${sample.billing.monthly:false}") boolean monthly) {
		this.invoices = invoices;
		this.monthly = monthly;
		this.clock = Clock.systemUTC();
	}

	/**
	 * Invoices every pro-plan user for the period that just ended, unless invoiced already.
	 * @param run the schedule's payload ({@code plan: pro})
	 * @param delivery the job's delivery
	 */
	@JobHandler(JOB_TYPE)
	public void invoice(BillingRun run, StreamDelivery delivery) {
		Plan plan = Plan.valueOf(run.plan().toUpperCase(Locale.ROOT));
		String jobId = (delivery.jobId() != null) ? delivery.jobId() : delivery.id();
		String period = previousPeriod(this.clock.instant());
		int written = invoice(plan, period, jobId);
		logger.info("Usage invoices for " + period + ": " + written + " written (job " + jobId + ", attempt "
				+ delivery.attempt() + ")");
	}

	/**
	 * Invoices every user of a plan for a period, unless invoiced already.
	 * @param plan the plan
	 * @param period the period
	 * @param jobId the job that writes the invoices
	 * @return how many invoices were written
	 */
	public int invoice(Plan plan, String period, String jobId) {
		int written = 0;
		for (Long userId : this.invoices.findUserIdsByPlan(plan)) {
			if (this.invoices.existsByUserIdAndPeriod(userId, period)) {
				continue;
			}
			try {
				this.invoices.saveAndFlush(new UsageInvoice(userId, period, PRO_FEE, this.clock.instant(), jobId));
				written++;
			}
			catch (DataIntegrityViolationException ex) {
				if (!this.invoices.existsByUserIdAndPeriod(userId, period)) {
					throw ex; // not a duplicate: let the job be retried
				}
				// another delivery of the same period wrote it a moment ago
			}
		}
		return written;
	}

	/**
	 * Returns the billing period that ended before an instant.
	 * @param now the instant
	 * @return the period, such as {@code 2026-11} or, in the demo, {@code 2026-12-02T13:04Z}
	 */
	String previousPeriod(Instant now) {
		if (this.monthly) {
			return YearMonth.from(now.atOffset(ZoneOffset.UTC)).minusMonths(1).toString();
		}
		return now.truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES).toString();
	}

	/**
	 * The payload of the schedule.
	 *
	 * @param plan the plan whose users are invoiced
	 */
	public record BillingRun(String plan) {
	}

}

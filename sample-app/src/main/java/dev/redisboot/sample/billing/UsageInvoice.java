package dev.redisboot.sample.billing;

import java.math.BigDecimal;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import org.jspecify.annotations.Nullable;

/**
 * An invoice of one pro-plan user for one billing period. The pair (user, period) is unique,
 * so that a period is invoiced once however often its job runs: the schedule enqueues one job
 * per fire time, and a job runs at least once (again if its instance died before
 * acknowledging it).
 *
 * @author redisboot
 */
@Entity
@Table(name = "usage_invoices", uniqueConstraints = @UniqueConstraint(name = "uk_usage_invoices_user_period",
		columnNames = { "userId", "period" }))
public class UsageInvoice {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(nullable = false)
	private long userId;

	@Column(nullable = false, length = 40)
	private String period;

	@Column(nullable = false, precision = 10, scale = 2)
	private BigDecimal amount;

	@Column(nullable = false)
	private Instant createdAt;

	@Column(nullable = false, length = 100)
	private String jobId;

	/**
	 * Creates an invoice that is not saved yet.
	 * @param userId the user
	 * @param period the billing period, such as {@code 2026-11} (or, in the demo, a minute)
	 * @param amount the amount in euros
	 * @param createdAt when it was written
	 * @param jobId the id of the job that wrote it
	 */
	public UsageInvoice(long userId, String period, BigDecimal amount, Instant createdAt, String jobId) {
		this.userId = userId;
		this.period = period;
		this.amount = amount;
		this.createdAt = createdAt;
		this.jobId = jobId;
	}

	protected UsageInvoice() {
		// for JPA, which sets the fields
	}

	public @Nullable Long getId() {
		return this.id;
	}

	public long getUserId() {
		return this.userId;
	}

	public String getPeriod() {
		return this.period;
	}

	public BigDecimal getAmount() {
		return this.amount;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

	public String getJobId() {
		return this.jobId;
	}

}

package dev.redisboot.audit.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the audit trail of write actions.
 *
 * @author redisboot
 */
@ConfigurationProperties("redisboot.audit")
public class RedisbootAuditProperties {

	/**
	 * Whether Actuator write operations are recorded in the audit trail (a Redis stream, the
	 * log and the redisboot.audit.events meter).
	 */
	private boolean enabled = true;

	/**
	 * Most entries the audit stream keeps (approximately; older ones are trimmed).
	 */
	private long maxLength = 10_000;

	/**
	 * How long entries of the audit stream are kept (approximately; trimmed on each write).
	 */
	private Duration retention = Duration.ofDays(90);

	/**
	 * Longest a write to, or a read of, the audit stream may take; a slower Redis costs an
	 * action at most this long and leaves it recorded in the log and meter only.
	 */
	private Duration timeout = Duration.ofSeconds(1);

	/**
	 * Most records of audited caches (redisboot.cache.caches.<name>.audit) waiting to be
	 * written to the audit stream; more are dropped and counted in redisboot.audit.dropped.
	 */
	private int queueCapacity = 10_000;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public long getMaxLength() {
		return this.maxLength;
	}

	public void setMaxLength(long maxLength) {
		this.maxLength = maxLength;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	public void setQueueCapacity(int queueCapacity) {
		this.queueCapacity = queueCapacity;
	}

}

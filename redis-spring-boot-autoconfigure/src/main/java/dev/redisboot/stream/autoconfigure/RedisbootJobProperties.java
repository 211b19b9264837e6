package dev.redisboot.stream.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the job queue ({@code JobQueue}, {@code @JobHandler}); reading,
 * retries and trimming follow {@code redisboot.stream.*}.
 *
 * @author redisboot
 */
@ConfigurationProperties("redisboot.jobs")
public class RedisbootJobProperties {

	/**
	 * Name of the stream that holds the jobs, without the key prefix.
	 */
	private String stream = "jobs";

	/**
	 * Consumer group of the job handlers.
	 */
	private String group = "jobs";

	/**
	 * Jobs this instance runs at once, each on a thread and a connection of its own.
	 */
	private int concurrency = 4;

	/**
	 * Attempts before a job goes to the dead-letter stream; redisboot.stream.max-attempts
	 * when not set.
	 */
	private @Nullable Integer maxAttempts;

	/**
	 * How long an idempotency key is remembered: a job enqueued again with the same key
	 * within this time is not enqueued twice.
	 */
	private Duration idempotencyTtl = Duration.ofHours(24);

	/**
	 * Recurring jobs by schedule name: each enqueues a job once per fire time across all
	 * instances. An entry named like a {@code @JobHandler(cron = ...)} type overrides the
	 * annotation's schedule.
	 */
	private Map<String, Schedule> schedules = new LinkedHashMap<>();

	public String getStream() {
		return this.stream;
	}

	public void setStream(String stream) {
		this.stream = stream;
	}

	public String getGroup() {
		return this.group;
	}

	public void setGroup(String group) {
		this.group = group;
	}

	public int getConcurrency() {
		return this.concurrency;
	}

	public void setConcurrency(int concurrency) {
		this.concurrency = concurrency;
	}

	public @Nullable Integer getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(@Nullable Integer maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Duration getIdempotencyTtl() {
		return this.idempotencyTtl;
	}

	public void setIdempotencyTtl(Duration idempotencyTtl) {
		this.idempotencyTtl = idempotencyTtl;
	}

	public Map<String, Schedule> getSchedules() {
		return this.schedules;
	}

	public void setSchedules(Map<String, Schedule> schedules) {
		this.schedules = schedules;
	}

	/**
	 * What fire times missed while no instance could enqueue them turn into.
	 */
	public enum MissedFires {

		/**
		 * Missed fire times are counted and not run; the next fire time runs as usual.
		 */
		SKIP,

		/**
		 * One job is enqueued for all the fire times missed, as soon as an instance can.
		 */
		RUN_ONCE

	}

	/**
	 * One recurring job: a cron expression or a fixed rate, and the job it enqueues.
	 */
	public static class Schedule {

		/**
		 * Job type to enqueue, as in {@code @JobHandler}; the schedule's name when not set.
		 */
		private @Nullable String type;

		/**
		 * Cron expression (six fields, seconds first, or a macro such as {@code @daily});
		 * set either this or fixed-rate.
		 */
		private @Nullable String cron;

		/**
		 * Time zone of the cron expression, such as Europe/Paris; UTC when not set.
		 */
		private @Nullable String zone;

		/**
		 * Fixed rate, with fire times at whole multiples of it since the epoch (UTC), the
		 * same on every instance; set either this or cron.
		 */
		private @Nullable Duration fixedRate;

		/**
		 * Payload of each job, written as JSON (a map of values); no payload when empty.
		 */
		private Map<String, Object> payload = new LinkedHashMap<>();

		/**
		 * What fire times missed while no instance could enqueue them turn into: skip, or
		 * run-once (one job for the missed period).
		 */
		private MissedFires missedFires = MissedFires.SKIP;

		/**
		 * How late after its fire time a job may still be enqueued as on time; a fire time
		 * found later than this (after an outage) is missed.
		 */
		private Duration misfireThreshold = Duration.ofMinutes(1);

		/**
		 * Whether this instance enqueues the schedule's jobs.
		 */
		private boolean enabled = true;

		public @Nullable String getType() {
			return this.type;
		}

		public void setType(@Nullable String type) {
			this.type = type;
		}

		public @Nullable String getCron() {
			return this.cron;
		}

		public void setCron(@Nullable String cron) {
			this.cron = cron;
		}

		public @Nullable String getZone() {
			return this.zone;
		}

		public void setZone(@Nullable String zone) {
			this.zone = zone;
		}

		public @Nullable Duration getFixedRate() {
			return this.fixedRate;
		}

		public void setFixedRate(@Nullable Duration fixedRate) {
			this.fixedRate = fixedRate;
		}

		public Map<String, Object> getPayload() {
			return this.payload;
		}

		public void setPayload(Map<String, Object> payload) {
			this.payload = payload;
		}

		public MissedFires getMissedFires() {
			return this.missedFires;
		}

		public void setMissedFires(MissedFires missedFires) {
			this.missedFires = missedFires;
		}

		public Duration getMisfireThreshold() {
			return this.misfireThreshold;
		}

		public void setMisfireThreshold(Duration misfireThreshold) {
			this.misfireThreshold = misfireThreshold;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}

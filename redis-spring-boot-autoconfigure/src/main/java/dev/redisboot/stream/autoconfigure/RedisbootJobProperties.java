package dev.redisboot.stream.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.redisboot.stream.JobPriority;

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

	/**
	 * Whether each job has a status record (JobQueue.status), written by the scripts that
	 * enqueue, start, acknowledge and fail it. Cancellation and unique jobs need it. Off, a
	 * plain enqueue is a single XADD and a job's acknowledgement a single XACK.
	 */
	private boolean statusTracking = true;

	/**
	 * How long a job's status record is kept after the job finished (done, dead or
	 * cancelled); also the longest a record lives without a change while the job waits.
	 */
	private Duration statusTtl = Duration.ofDays(1);

	/**
	 * Longest time a unique key (JobQueue.enqueueUnique) is held should its release be missed;
	 * renewed when the job starts. Longer than the longest wait plus run of a unique job.
	 */
	private Duration uniqueTtl = Duration.ofDays(1);

	/**
	 * Jobs of a high-priority type this instance runs at once, on consumers of their own;
	 * redisboot.jobs.concurrency when not set.
	 */
	private @Nullable Integer highPriorityConcurrency;

	/**
	 * Jobs of a low-priority type this instance runs at once, on consumers of their own.
	 */
	private int lowPriorityConcurrency = 1;

	/**
	 * How long a job waits before it is tried again when it found its type's concurrency
	 * (redisboot.jobs.types.<type>.concurrency) taken on the instance that read it.
	 */
	private Duration deferral = Duration.ofSeconds(1);

	/**
	 * Settings by job type. Set the same on every instance: the one that enqueues a job
	 * picks its lane, the ones that run it read the lane.
	 */
	private Map<String, JobType> types = new LinkedHashMap<>();

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

	public boolean isStatusTracking() {
		return this.statusTracking;
	}

	public void setStatusTracking(boolean statusTracking) {
		this.statusTracking = statusTracking;
	}

	public Duration getStatusTtl() {
		return this.statusTtl;
	}

	public void setStatusTtl(Duration statusTtl) {
		this.statusTtl = statusTtl;
	}

	public Duration getUniqueTtl() {
		return this.uniqueTtl;
	}

	public void setUniqueTtl(Duration uniqueTtl) {
		this.uniqueTtl = uniqueTtl;
	}

	public @Nullable Integer getHighPriorityConcurrency() {
		return this.highPriorityConcurrency;
	}

	public void setHighPriorityConcurrency(@Nullable Integer highPriorityConcurrency) {
		this.highPriorityConcurrency = highPriorityConcurrency;
	}

	public int getLowPriorityConcurrency() {
		return this.lowPriorityConcurrency;
	}

	public void setLowPriorityConcurrency(int lowPriorityConcurrency) {
		this.lowPriorityConcurrency = lowPriorityConcurrency;
	}

	public Duration getDeferral() {
		return this.deferral;
	}

	public void setDeferral(Duration deferral) {
		this.deferral = deferral;
	}

	public Map<String, Schedule> getSchedules() {
		return this.schedules;
	}

	public void setSchedules(Map<String, Schedule> schedules) {
		this.schedules = schedules;
	}

	public Map<String, JobType> getTypes() {
		return this.types;
	}

	public void setTypes(Map<String, JobType> types) {
		this.types = types;
	}

	/**
	 * Settings of one job type.
	 */
	public static class JobType {

		/**
		 * Priority of the type's jobs: high and low ones go to lanes of their own (streams
		 * beside the jobs stream) with consumers of their own, so that high-priority jobs
		 * never wait behind a backlog and low-priority ones are never starved.
		 */
		private JobPriority priority = JobPriority.NORMAL;

		/**
		 * Jobs of the type one instance runs at once (per instance, not across instances); a
		 * job that finds them all taken is deferred by redisboot.jobs.deferral, its attempt
		 * not counted. No limit when not set.
		 */
		private @Nullable Integer concurrency;

		/**
		 * Rate at which jobs of the type may start, across all instances.
		 */
		private final RateLimit rateLimit = new RateLimit();

		public JobPriority getPriority() {
			return this.priority;
		}

		public void setPriority(JobPriority priority) {
			this.priority = priority;
		}

		public @Nullable Integer getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(@Nullable Integer concurrency) {
			this.concurrency = concurrency;
		}

		public RateLimit getRateLimit() {
			return this.rateLimit;
		}

	}

	/**
	 * A job type's rate limit: a job over it is deferred until it may start (back in the
	 * delayed set, its attempt not counted), never failed.
	 */
	public static class RateLimit {

		/**
		 * Jobs that may start per period, across all instances, evenly spread (a GCRA bucket
		 * in Redis, checked by the script that starts the job); no limit when not set.
		 */
		private @Nullable Long limit;

		/**
		 * The period of the limit.
		 */
		private Duration period = Duration.ofSeconds(1);

		public @Nullable Long getLimit() {
			return this.limit;
		}

		public void setLimit(@Nullable Long limit) {
			this.limit = limit;
		}

		public Duration getPeriod() {
			return this.period;
		}

		public void setPeriod(Duration period) {
			this.period = period;
		}

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

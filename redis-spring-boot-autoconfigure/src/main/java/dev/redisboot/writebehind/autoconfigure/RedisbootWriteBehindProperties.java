package dev.redisboot.writebehind.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Write-behind caching ({@code WriteBehindRegistry}).
 *
 * @author redisboot
 */
@ConfigurationProperties("redisboot.write-behind")
public class RedisbootWriteBehindProperties {

	/**
	 * Whether the write-behind registry is created (it needs the job queue and a cache
	 * manager). Off unless set: its job handler makes every instance run the jobs' consumers,
	 * which poll Redis even when the application has no job handler of its own.
	 */
	private boolean enabled;

	/**
	 * After how long a key's mark that no job took or refreshed is taken as stuck (its job
	 * was lost, for example the instance stopped between recording the value and enqueuing
	 * the job, or died while the job ran), so that the sweeper or the key's next write
	 * enqueues a new job: how long a key waits after its instance died. A running job
	 * refreshes its key's mark every quarter of this. Longer than
	 * redisboot.stream.backoff-max and redisboot.stream.reclaim-idle.
	 */
	private Duration stuckAfter = Duration.ofMinutes(10);

	/**
	 * How often each instance sweeps the pending keys: re-arms stuck keys and refreshes the
	 * pending and oldest gauges. One HSCAN pass over each name's marks per sweep.
	 */
	private Duration sweepInterval = Duration.ofMinutes(1);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getStuckAfter() {
		return this.stuckAfter;
	}

	public void setStuckAfter(Duration stuckAfter) {
		this.stuckAfter = stuckAfter;
	}

	public Duration getSweepInterval() {
		return this.sweepInterval;
	}

	public void setSweepInterval(Duration sweepInterval) {
		this.sweepInterval = sweepInterval;
	}

}

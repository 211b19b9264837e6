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
	 * After how long a key's queued marker that no job took is taken as stuck (its job was
	 * lost, for example the instance stopped between recording the value and enqueuing the
	 * job), so that the next write to the key enqueues a new job. Longer than the longest a
	 * job may wait in the jobs stream, or two jobs of one key may run at once.
	 */
	private Duration stuckAfter = Duration.ofHours(1);

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

}

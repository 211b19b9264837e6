package dev.redisboot.actuate.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of redisboot's Redis health indicator, server metrics, command latency timers
 * and {@code redis} endpoint. The health indicator is switched with Boot's own
 * {@code management.health.redis.enabled}, the endpoint with
 * {@code management.endpoint.redis.access} and
 * {@code management.endpoints.web.exposure.include}. Values are checked by
 * {@link RedisbootObservabilityAutoConfiguration} when it creates the beans that use them.
 * <p>
 * The prefix is {@code redisboot.observability}, while the package is {@code actuate}: see
 * the package documentation.
 *
 * @author redisboot
 */
@ConfigurationProperties("redisboot.observability")
public class RedisbootObservabilityProperties {

	/**
	 * Longest any one Redis node may take to answer INFO, SLOWLOG, SCAN and the like before
	 * it is reported as not answering.
	 */
	private Duration timeout = Duration.ofSeconds(2);

	private final Health health = new Health();

	private final ServerMetrics serverMetrics = new ServerMetrics();

	private final CommandLatency commandLatency = new CommandLatency();

	private final BigKeys bigKeys = new BigKeys();

	private final CacheSampling cacheSampling = new CacheSampling();

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Health getHealth() {
		return this.health;
	}

	public ServerMetrics getServerMetrics() {
		return this.serverMetrics;
	}

	public CommandLatency getCommandLatency() {
		return this.commandLatency;
	}

	public CacheSampling getCacheSampling() {
		return this.cacheSampling;
	}

	public BigKeys getBigKeys() {
		return this.bigKeys;
	}

	/**
	 * Health indicator settings.
	 */
	public static class Health {

		/**
		 * Share of maxmemory, in percent, above which a node's health is WARNING (HTTP 200).
		 */
		private int memoryWarningThreshold = 90;

		/**
		 * How long a reading of the servers is reused by health checks (and shared with
		 * the server metrics and the endpoint). 0 reads the servers on every check.
		 */
		private Duration cacheTimeToLive = Duration.ofSeconds(2);

		public int getMemoryWarningThreshold() {
			return this.memoryWarningThreshold;
		}

		public void setMemoryWarningThreshold(int memoryWarningThreshold) {
			this.memoryWarningThreshold = memoryWarningThreshold;
		}

		public Duration getCacheTimeToLive() {
			return this.cacheTimeToLive;
		}

		public void setCacheTimeToLive(Duration cacheTimeToLive) {
			this.cacheTimeToLive = cacheTimeToLive;
		}

	}

	/**
	 * Server metrics settings.
	 */
	public static class ServerMetrics {

		/**
		 * Whether to publish the servers' INFO as redis.* meters.
		 */
		private boolean enabled = true;

		/**
		 * How often every node's INFO is read for the meters.
		 */
		private Duration interval = Duration.ofSeconds(15);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

	/**
	 * Command latency timer settings.
	 */
	public static class CommandLatency {

		/**
		 * Whether to time every Lettuce command in the redis.client.commands timer, tagged
		 * by command type.
		 */
		private boolean enabled;

		/**
		 * Whether the timer publishes 13 histogram buckets from 100 µs to 1 s, for
		 * percentiles across instances (histogram_quantile in Prometheus).
		 */
		private boolean histogram = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public boolean isHistogram() {
			return this.histogram;
		}

		public void setHistogram(boolean histogram) {
			this.histogram = histogram;
		}

	}

	/**
	 * Big-key sampling settings of the redis endpoint.
	 */
	public static class BigKeys {

		/**
		 * How many of the largest keys to report unless the request asks for another count.
		 */
		private int top = 20;

		/**
		 * Longest one sampling may take, shared among the primaries.
		 */
		private Duration timeBudget = Duration.ofSeconds(2);

		/**
		 * Most keys one sampling measures.
		 */
		private long maxKeys = 100_000;

		public int getTop() {
			return this.top;
		}

		public void setTop(int top) {
			this.top = top;
		}

		public Duration getTimeBudget() {
			return this.timeBudget;
		}

		public void setTimeBudget(Duration timeBudget) {
			this.timeBudget = timeBudget;
		}

		public long getMaxKeys() {
			return this.maxKeys;
		}

		public void setMaxKeys(long maxKeys) {
			this.maxKeys = maxKeys;
		}

	}

	/**
	 * Sampling of each cache's entries (count and size) for the redis endpoint's cache
	 * statistics and the console's Caches tab.
	 */
	public static class CacheSampling {

		/**
		 * Whether to sample each cache's entries with SCAN and MEMORY USAGE.
		 */
		private boolean enabled = true;

		/**
		 * How long a sampling is reused before the next request takes a new one.
		 */
		private Duration refreshInterval = Duration.ofMinutes(1);

		/**
		 * Longest one sampling of all caches may take, shared among the caches and the
		 * primaries.
		 */
		private Duration timeBudget = Duration.ofMillis(500);

		/**
		 * Most keys one sampling counts per cache.
		 */
		private long maxKeys = 100_000;

		/**
		 * Most entries per cache whose size is measured (MEMORY USAGE and STRLEN).
		 */
		private int memorySamples = 200;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

		public Duration getTimeBudget() {
			return this.timeBudget;
		}

		public void setTimeBudget(Duration timeBudget) {
			this.timeBudget = timeBudget;
		}

		public long getMaxKeys() {
			return this.maxKeys;
		}

		public void setMaxKeys(long maxKeys) {
			this.maxKeys = maxKeys;
		}

		public int getMemorySamples() {
			return this.memorySamples;
		}

		public void setMemorySamples(int memorySamples) {
			this.memorySamples = memorySamples;
		}

	}

}

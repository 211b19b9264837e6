package dev.redisboot.writebehind.autoconfigure;

import java.time.Duration;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.PropertyChecks;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.autoconfigure.RedisbootJobProperties;
import dev.redisboot.stream.autoconfigure.RedisbootStreamAutoConfiguration;
import dev.redisboot.stream.autoconfigure.RedisbootStreamProperties;
import dev.redisboot.writebehind.MicrometerWriteBehindMetrics;
import dev.redisboot.writebehind.WriteBehindMetrics;
import dev.redisboot.writebehind.WriteBehindRegistry;
import dev.redisboot.writebehind.WriteBehindSweeper;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ImportRuntimeHints;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Auto-configuration of write-behind caching: a {@link WriteBehindRegistry} when the job
 * queue and a cache manager exist.
 *
 * @author redisboot
 */
@AutoConfiguration(after = RedisbootStreamAutoConfiguration.class,
		afterName = { "dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration",
				"org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration" })
@ConditionalOnClass({ CacheManager.class, LettuceConnectionFactory.class, JsonMapper.class })
@ConditionalOnBean({ JobQueue.class, CacheManager.class, LettuceConnectionFactory.class })
@ConditionalOnBooleanProperty(name = "redisboot.write-behind.enabled")
@EnableConfigurationProperties(RedisbootWriteBehindProperties.class)
@ImportRuntimeHints(WriteBehindRuntimeHints.class)
public final class RedisbootWriteBehindAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WriteBehindRegistry redisbootWriteBehindRegistry(RedisbootWriteBehindProperties properties,
			RedisbootJobProperties jobs, RedisbootStreamProperties streams, CacheManager cacheManager,
			JobQueue queue, LettuceConnectionFactory connectionFactory, RedisKeyNamer keyNamer,
			KeyDigester digester, ObjectProvider<JsonMapper> jsonMapper, ObjectProvider<WriteBehindMetrics> metrics) {
		Duration stuckAfter = PropertyChecks.positive("redisboot.write-behind.stuck-after",
				properties.getStuckAfter(), "10m");
		Duration longestWait = streams.getBackoffMax().compareTo(streams.getReclaimIdle()) > 0 ? streams.getBackoffMax()
				: streams.getReclaimIdle();
		if (stuckAfter.compareTo(longestWait) <= 0) {
			throw new InvalidPropertyException("redisboot.write-behind.stuck-after", stuckAfter,
					"it must be longer than a job of a key may go untouched between attempts ("
							+ "redisboot.stream.backoff-max and redisboot.stream.reclaim-idle, here " + longestWait
							+ "), or a job waiting for its retry is taken for lost and the key's write runs again",
					"Raise it, for example to 10m");
		}
		Integer maxAttempts = jobs.getMaxAttempts();
		return WriteBehindRegistry.of(cacheManager, new LettuceCommands(connectionFactory, streams.getTimeout()),
				keyNamer, queue, jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), digester,
				metrics.getIfAvailable(() -> WriteBehindMetrics.NONE), stuckAfter,
				(maxAttempts != null) ? maxAttempts : streams.getMaxAttempts());
	}

	@Bean
	@ConditionalOnMissingBean
	WriteBehindSweeper redisbootWriteBehindSweeper(WriteBehindRegistry registry,
			RedisbootWriteBehindProperties properties) {
		return new WriteBehindSweeper(registry, PropertyChecks.positive("redisboot.write-behind.sweep-interval",
				properties.getSweepInterval(), "1m"));
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class WriteBehindMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WriteBehindMetrics redisbootWriteBehindMetrics(ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meterRegistry = registry.getIfAvailable();
			return (meterRegistry != null) ? new MicrometerWriteBehindMetrics(meterRegistry) : WriteBehindMetrics.NONE;
		}

	}

}

package dev.redisboot.audit.autoconfigure;

import java.time.Clock;
import java.time.Duration;

import dev.redisboot.audit.AuditEndpoint;
import dev.redisboot.audit.AuditMetrics;
import dev.redisboot.audit.AuditTrail;
import dev.redisboot.audit.AuditingOperationInvokerAdvisor;
import dev.redisboot.audit.MicrometerAuditMetrics;
import dev.redisboot.audit.QueuedAccessAuditor;
import dev.redisboot.core.AccessAuditor;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.PropertyChecks;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.core.redis.LettuceCommands;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.invoke.OperationInvokerAdvisor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of the {@link AuditTrail}: a bounded
 * Redis stream ({@code [prefix:]audit}), the advisor that records every Actuator write
 * operation in it, the {@link AccessAuditor} that records the accesses of audited caches,
 * its metrics and the {@code audit} endpoint.
 *
 * @author redisboot
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class })
@ConditionalOnClass(LettuceConnectionFactory.class)
@ConditionalOnBean(LettuceConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "redisboot.audit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RedisbootAuditProperties.class)
public final class RedisbootAuditAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AuditTrail redisbootAuditTrail(RedisbootAuditProperties properties, LettuceConnectionFactory connectionFactory,
			RedisKeyNamer keyNamer, ObjectProvider<AuditMetrics> metrics) {
		long maxLength = PropertyChecks.atLeast("redisboot.audit.max-length", properties.getMaxLength(), 1, "10000");
		Duration retention = PropertyChecks.positive("redisboot.audit.retention", properties.getRetention(), "90d");
		Duration timeout = PropertyChecks.positive("redisboot.audit.timeout", properties.getTimeout(), "1s");
		return new AuditTrail(new LettuceCommands(connectionFactory, timeout), keyNamer.key("audit"), maxLength,
				retention, metrics.getIfAvailable(() -> AuditMetrics.NONE));
	}

	/**
	 * Writes the records of audited caches ({@code redisboot.cache.caches.<name>.audit}) to
	 * the trail off the callers' threads; its writer thread starts with the first record.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(AccessAuditor.class)
	QueuedAccessAuditor redisbootAccessAuditor(AuditTrail trail, RedisbootAuditProperties properties,
			ObjectProvider<KeyDigester> keyDigester, ObjectProvider<AuditMetrics> metrics) {
		int capacity = PropertyChecks.atLeast("redisboot.audit.queue-capacity", properties.getQueueCapacity(), 1,
				"10000");
		return new QueuedAccessAuditor(trail, keyDigester.getIfAvailable(KeyDigester::unkeyed), Clock.systemUTC(),
				metrics.getIfAvailable(() -> AuditMetrics.NONE), capacity);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class AuditMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		AuditMetrics redisbootAuditMetrics(ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meterRegistry = registry.getIfAvailable();
			return (meterRegistry != null) ? new MicrometerAuditMetrics(meterRegistry) : AuditMetrics.NONE;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, OperationInvokerAdvisor.class, ConditionalOnAvailableEndpoint.class })
	static class AuditEndpointConfiguration {

		@Bean
		OperationInvokerAdvisor redisbootAuditingOperationInvokerAdvisor(AuditTrail trail,
				ObjectProvider<KeyDigester> keyDigester) {
			return new AuditingOperationInvokerAdvisor(trail, keyDigester.getIfAvailable(KeyDigester::unkeyed),
					Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(AuditEndpoint.class)
		AuditEndpoint auditEndpoint(AuditTrail trail) {
			return new AuditEndpoint(trail);
		}

	}

}

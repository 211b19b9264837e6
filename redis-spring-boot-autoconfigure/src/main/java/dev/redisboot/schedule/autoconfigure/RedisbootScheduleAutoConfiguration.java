package dev.redisboot.schedule.autoconfigure;

import java.time.Clock;

import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.autoconfigure.ApplicationBeanMethods;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.schedule.JobScheduler;
import dev.redisboot.schedule.MicrometerScheduleMetrics;
import dev.redisboot.schedule.ScheduleMetrics;
import dev.redisboot.schedule.SchedulesEndpoint;
import dev.redisboot.schedule.SchedulesEndpointWebExtension;
import dev.redisboot.stream.JobHandler;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.stream.autoconfigure.RedisbootJobProperties;
import dev.redisboot.stream.autoconfigure.RedisbootStreamAutoConfiguration;
import dev.redisboot.stream.autoconfigure.RedisbootStreamProperties;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of recurring jobs: a
 * {@link JobScheduler} for the schedules of {@code redisboot.jobs.schedules.*} and of
 * {@code @JobHandler(cron = ..., fixedRate = ...)} methods, enqueuing through the
 * application's {@link JobQueue}; its {@code redisboot.schedule.*} metrics and the
 * {@code schedules} Actuator endpoint.
 *
 * @author redisboot
 */
@AutoConfiguration(after = RedisbootStreamAutoConfiguration.class)
@ConditionalOnClass(LettuceConnectionFactory.class)
@ConditionalOnBean({ JobQueue.class, LettuceConnectionFactory.class })
public final class RedisbootScheduleAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	JobScheduler redisbootJobScheduler(ConfigurableListableBeanFactory beanFactory, Environment environment,
			RedisbootJobProperties jobs, RedisbootStreamProperties streams, JobQueue queue,
			LettuceConnectionFactory connectionFactory, RedisKeyNamer keyNamer,
			ObjectProvider<ScheduleMetrics> metrics) {
		ScheduleSettingsResolver settings = new ScheduleSettingsResolver(jobs, environment);
		ApplicationBeanMethods.forEach(beanFactory, (type, method) -> {
			JobHandler handler = AnnotatedElementUtils.findMergedAnnotation(method, JobHandler.class);
			if (handler != null) {
				settings.handler(method, handler);
			}
		});
		return new JobScheduler(queue, new LettuceCommands(connectionFactory, streams.getTimeout()), keyNamer,
				settings.schedules(), metrics.getIfAvailable(() -> ScheduleMetrics.NONE), Clock.systemUTC());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class ScheduleMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ScheduleMetrics redisbootScheduleMetrics(ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meterRegistry = registry.getIfAvailable();
			return (meterRegistry != null) ? new MicrometerScheduleMetrics(meterRegistry) : ScheduleMetrics.NONE;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
	static class SchedulesEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(SchedulesEndpoint.class)
		SchedulesEndpoint schedulesEndpoint(JobScheduler scheduler) {
			return new SchedulesEndpoint(scheduler);
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(SchedulesEndpoint.class)
		@ConditionalOnAvailableEndpoint(endpoint = SchedulesEndpoint.class, exposure = EndpointExposure.WEB)
		SchedulesEndpointWebExtension schedulesEndpointWebExtension(SchedulesEndpoint endpoint) {
			return new SchedulesEndpointWebExtension(endpoint);
		}

	}

}

package dev.redisboot.actuate.autoconfigure;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.redisboot.actuate.CacheSampling;
import dev.redisboot.actuate.CommandLatencyTimers;
import dev.redisboot.actuate.ConsoleEndpoint;
import dev.redisboot.actuate.KeyRedactor;
import dev.redisboot.actuate.RedisAdvisor;
import dev.redisboot.actuate.RedisEndpoint;
import dev.redisboot.actuate.RedisEndpointWebExtension;
import dev.redisboot.actuate.RedisServerHealthIndicator;
import dev.redisboot.actuate.RedisServerInspector;
import dev.redisboot.actuate.RedisServerMetrics;
import dev.redisboot.actuate.RedisServerSnapshots;
import dev.redisboot.actuate.SeparateRedisServerMetrics;
import dev.redisboot.actuate.SeparateRedisServers;
import dev.redisboot.core.ConsoleSection;
import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.PropertyChecks;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.autoconfigure.RedisServerClientResourcesCustomizer;
import dev.redisboot.core.redis.RedisServerConnection;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of Redis operations support: a health
 * indicator with the servers' details (in place of Boot's, which reports the version only),
 * server metrics from {@code INFO}, opt-in command latency timers, and the {@code redis}
 * Actuator endpoint. A Redis of the caches' own ({@code redisboot.cache.redis.*}) gets its
 * own health contributor ({@code redisServers/cache}), server metrics tagged
 * {@code server=cache} (the application's then {@code server=default}), and a
 * {@code servers} section in the endpoint with the advice judged by what it holds. Every bean that reads {@code redisboot.observability.*} first checks all
 * of its values ({@code validate}), so that a wrong one fails startup with an
 * {@link InvalidPropertyException} that names the property, whichever beans the application
 * replaces or switches off.
 *
 * @author redisboot
 */
@AutoConfiguration(after = DataRedisAutoConfiguration.class,
		afterName = "dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration",
		beforeName = { "org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration" })
@ConditionalOnClass(LettuceConnectionFactory.class)
@ConditionalOnBean(LettuceConnectionFactory.class)
@EnableConfigurationProperties(RedisbootObservabilityProperties.class)
public final class RedisbootObservabilityAutoConfiguration {

	private static final String PREFIX = "redisboot.observability.";

	@Bean
	@ConditionalOnMissingBean
	RedisServerSnapshots redisServerSnapshots(LettuceConnectionFactory connectionFactory,
			RedisbootObservabilityProperties properties) {
		validate(properties);
		Clock clock = Clock.systemUTC();
		return new RedisServerSnapshots(new RedisServerInspector(connectionFactory, properties.getTimeout(), clock),
				clock);
	}

	@Bean
	@ConditionalOnMissingBean
	SeparateRedisServers redisbootSeparateRedisServers(ObjectProvider<RedisServerConnection> connections,
			ObjectProvider<RedisUsage> usages, RedisbootObservabilityProperties properties) {
		validate(properties);
		Clock clock = Clock.systemUTC();
		return new SeparateRedisServers(connections.orderedStream().map((connection) -> {
			RedisServerSnapshots snapshots = new RedisServerSnapshots(
					new RedisServerInspector(connection.connectionFactory(), properties.getTimeout(), clock), clock);
			RedisAdvisor advisor = new RedisAdvisor(snapshots.getInspector(), () -> usages.orderedStream()
				.filter((usage) -> connection.name().equals(usage.server()))
				.toList(), connection.propertyPrefix());
			return new SeparateRedisServers.Server(connection.name(), connection.propertyPrefix(), snapshots,
					advisor);
		}).toList());
	}

	/**
	 * Checks every value of the properties.
	 * @param properties the properties
	 * @throws InvalidPropertyException naming the first wrong property
	 */
	private static void validate(RedisbootObservabilityProperties properties) {
		PropertyChecks.positive(PREFIX + "timeout", properties.getTimeout(), "2s");
		RedisbootObservabilityProperties.Health health = properties.getHealth();
		PropertyChecks.notNegative(PREFIX + "health.cache-time-to-live", health.getCacheTimeToLive(), "2s");
		PropertyChecks.between(PREFIX + "health.memory-warning-threshold", health.getMemoryWarningThreshold(), 1, 100,
				"90 (a percentage of maxmemory)");
		PropertyChecks.positive(PREFIX + "server-metrics.interval", properties.getServerMetrics().getInterval(), "15s");
		RedisbootObservabilityProperties.BigKeys bigKeys = properties.getBigKeys();
		PropertyChecks.positive(PREFIX + "big-keys.time-budget", bigKeys.getTimeBudget(), "2s");
		PropertyChecks.atLeast(PREFIX + "big-keys.top", bigKeys.getTop(), 1, "20");
		PropertyChecks.atLeast(PREFIX + "big-keys.max-keys", bigKeys.getMaxKeys(), 1, "100000");
		RedisbootObservabilityProperties.CacheSampling cacheSampling = properties.getCacheSampling();
		PropertyChecks.positive(PREFIX + "cache-sampling.refresh-interval", cacheSampling.getRefreshInterval(), "1m");
		PropertyChecks.positive(PREFIX + "cache-sampling.time-budget", cacheSampling.getTimeBudget(), "500ms");
		PropertyChecks.atLeast(PREFIX + "cache-sampling.max-keys", cacheSampling.getMaxKeys(), 1, "100000");
		PropertyChecks.atLeast(PREFIX + "cache-sampling.memory-samples", cacheSampling.getMemorySamples(), 0, "200");
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	@ConditionalOnEnabledHealthIndicator("redis")
	static class HealthConfiguration {

		// named as Boot's, so that Boot's own Redis health contributor backs off
		@Bean
		@ConditionalOnMissingBean(name = { "redisHealthIndicator", "redisHealthContributor" })
		RedisServerHealthIndicator redisHealthContributor(RedisServerSnapshots snapshots,
				RedisbootObservabilityProperties properties) {
			validate(properties);
			return new RedisServerHealthIndicator(snapshots, properties.getHealth().getCacheTimeToLive(),
					properties.getHealth().getMemoryWarningThreshold());
		}

		// one member per separate server (health/redisServers/cache), beside the application's own "redis"
		@Bean
		@ConditionalOnMissingBean(name = "redisServersHealthContributor")
		@ConditionalOnBean(RedisServerConnection.class)
		CompositeHealthContributor redisServersHealthContributor(SeparateRedisServers servers,
				RedisbootObservabilityProperties properties) {
			validate(properties);
			Map<String, HealthContributor> members = new LinkedHashMap<>();
			servers.servers()
				.forEach((server) -> members.put(server.name(),
						new RedisServerHealthIndicator(server.snapshots(),
								properties.getHealth().getCacheTimeToLive(),
								properties.getHealth().getMemoryWarningThreshold(), server.name())));
			return CompositeHealthContributor.fromMap(members);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBooleanProperty(name = "redisboot.observability.server-metrics.enabled", matchIfMissing = true)
		RedisServerMetrics redisServerMetrics(RedisServerSnapshots snapshots, RedisbootObservabilityProperties properties,
				ObjectProvider<RedisServerConnection> separateServers) {
			validate(properties);
			// tagged by server only when there is more than one, so that a single Redis's meters do not change
			return new RedisServerMetrics(snapshots, properties.getServerMetrics().getInterval(),
					(separateServers.stream().findAny().isPresent()) ? RedisServerConnection.DEFAULT_SERVER : null);
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBooleanProperty(name = "redisboot.observability.server-metrics.enabled", matchIfMissing = true)
		@ConditionalOnBean(RedisServerConnection.class)
		SeparateRedisServerMetrics redisbootSeparateRedisServerMetrics(SeparateRedisServers servers,
				RedisbootObservabilityProperties properties) {
			validate(properties);
			return new SeparateRedisServerMetrics(servers.servers()
				.stream()
				.map((server) -> new RedisServerMetrics(server.snapshots(), properties.getServerMetrics().getInterval(),
						server.name()))
				.toList());
		}

		@Bean
		@ConditionalOnBooleanProperty("redisboot.observability.command-latency.enabled")
		ClientResourcesBuilderCustomizer redisbootCommandLatencyTimers(ObjectProvider<MeterRegistry> registry,
				RedisbootObservabilityProperties properties, ListableBeanFactory beanFactory) {
			validate(properties);
			return (builder) -> {
				MeterRegistry meterRegistry = registry.getIfAvailable();
				if (meterRegistry != null) {
					// by bean definition: the separate connections need these resources first
					boolean separate = beanFactory.getBeanNamesForType(RedisServerConnection.class, true,
							false).length > 0;
					builder.commandLatencyRecorder(new CommandLatencyTimers(meterRegistry,
							properties.getCommandLatency().isHistogram(),
							separate ? RedisServerConnection.DEFAULT_SERVER : null));
				}
			};
		}

		// each separate server's connection records into timers tagged with its name
		@Bean
		@ConditionalOnBooleanProperty("redisboot.observability.command-latency.enabled")
		RedisServerClientResourcesCustomizer redisbootSeparateServerCommandLatencyTimers(
				ObjectProvider<MeterRegistry> registry, RedisbootObservabilityProperties properties) {
			validate(properties);
			return (server, builder) -> {
				MeterRegistry meterRegistry = registry.getIfAvailable();
				if (meterRegistry != null) {
					builder.commandLatencyRecorder(
							new CommandLatencyTimers(meterRegistry, properties.getCommandLatency().isHistogram(), server));
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(RedisEndpoint.class)
		RedisEndpoint redisEndpoint(RedisServerSnapshots snapshots, ObjectProvider<RedisUsage> usages,
				ListableBeanFactory beanFactory, RedisbootObservabilityProperties properties,
				ObjectProvider<RedisKeyNamer> keyNamer, ObjectProvider<KeyDigester> keyDigester,
				SeparateRedisServers separateServers) {
			validate(properties);
			RedisbootObservabilityProperties.BigKeys bigKeys = properties.getBigKeys();
			RedisEndpoint.BigKeySettings bigKeySettings = new RedisEndpoint.BigKeySettings(bigKeys.getTop(),
					bigKeys.getTimeBudget(), bigKeys.getMaxKeys());
			RedisAdvisor advisor = new RedisAdvisor(snapshots.getInspector(),
					() -> usages.orderedStream().filter(RedisUsage::isOnDefaultServer).toList());
			Supplier<Map<String, CacheManager>> cacheManagers = () -> beanFactory.getBeansOfType(CacheManager.class);
			KeyRedactor redactor = new KeyRedactor(
					keyNamer.getIfAvailable(RedisKeyNamer::new).prefix().orElse(null),
					keyDigester.getIfAvailable(KeyDigester::unkeyed), () -> cacheManagers.get()
						.values()
						.stream()
						.flatMap((manager) -> manager.getCacheNames().stream())
						.collect(Collectors.toSet()));
			return new RedisEndpoint(snapshots, advisor, cacheManagers, bigKeySettings, redactor, separateServers,
					cacheSampling(snapshots, usages, separateServers, properties.getCacheSampling()));
		}

		/**
		 * Samples the caches on the server that holds them: the one their {@link RedisUsage}
		 * names (the caches' own Redis with {@code redisboot.cache.redis.*}), else the
		 * application's.
		 */
		private static CacheSampling cacheSampling(RedisServerSnapshots snapshots, ObjectProvider<RedisUsage> usages,
				SeparateRedisServers separateServers, RedisbootObservabilityProperties.CacheSampling properties) {
			CacheSampling.Settings settings = new CacheSampling.Settings(properties.isEnabled(),
					properties.getRefreshInterval(), properties.getTimeBudget(), properties.getMaxKeys(),
					properties.getMemorySamples());
			return new CacheSampling(() -> {
				String server = usages.orderedStream()
					.filter((usage) -> usage.kind() == RedisUsage.Kind.CACHE)
					.map(RedisUsage::server)
					.findFirst()
					.orElse(RedisServerConnection.DEFAULT_SERVER);
				return separateServers.servers()
					.stream()
					.filter((separate) -> separate.name().equals(server))
					.map((separate) -> new CacheSampling.Target(separate.name(), separate.snapshots().getInspector()))
					.findFirst()
					.orElseGet(() -> new CacheSampling.Target(RedisServerConnection.DEFAULT_SERVER,
							snapshots.getInspector()));
			}, settings, Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(RedisEndpoint.class)
		@ConditionalOnAvailableEndpoint(endpoint = RedisEndpoint.class, exposure = EndpointExposure.WEB)
		RedisEndpointWebExtension redisEndpointWebExtension(RedisEndpoint endpoint) {
			return new RedisEndpointWebExtension(endpoint);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class, MeterRegistry.class })
	static class ConsoleEndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnAvailableEndpoint(ConsoleEndpoint.class)
		ConsoleEndpoint consoleEndpoint(ObjectProvider<MeterRegistry> registry,
				ObjectProvider<EndpointAccessResolver> accessResolver, ObjectProvider<ConsoleSection> sections) {
			return new ConsoleEndpoint(registry::getIfAvailable, accessResolver.getIfAvailable(),
					() -> sections.orderedStream().toList());
		}

	}

}

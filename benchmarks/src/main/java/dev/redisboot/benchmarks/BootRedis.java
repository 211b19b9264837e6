package dev.redisboot.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Minimal Spring Boot applications for benchmarks (non-web unless a benchmark asks for a
 * servlet one): only the auto-configurations a benchmark names, connected to a benchmark's
 * own Redis through its {@link DataRedisConnectionDetails}, everything else at Boot's
 * defaults.
 */
final class BootRedis {

	private BootRedis() {
	}

	/**
	 * Starts an application with Spring Boot's own Redis auto-configuration and nothing
	 * else: the {@code LettuceConnectionFactory}, {@code RedisTemplate} and
	 * {@code StringRedisTemplate} are exactly what an application gets by default.
	 * @param connectionDetails where Redis is
	 * @return the running context, to be closed by the caller
	 */
	static ConfigurableApplicationContext withBootDefaults(DataRedisConnectionDetails connectionDetails) {
		return start(BootDefaults.class, connectionDetails);
	}

	/**
	 * Starts an application from the given configuration.
	 * @param configuration the configuration class, naming its auto-configurations
	 * @param connectionDetails where Redis is
	 * @param properties {@code name=value} pairs, as in {@code application.properties}
	 * @return the running context, to be closed by the caller
	 */
	static ConfigurableApplicationContext start(Class<?> configuration, DataRedisConnectionDetails connectionDetails,
			String... properties) {
		return start(configuration, WebApplicationType.NONE, connectionDetails, properties);
	}

	/**
	 * Starts an application of the given type from the given configuration: a
	 * {@link WebApplicationType#SERVLET} one starts its embedded web server on whatever
	 * {@code server.*} properties say.
	 * @param configuration the configuration class, naming its auto-configurations
	 * @param type the application type
	 * @param connectionDetails where Redis is
	 * @param properties {@code name=value} pairs, as in {@code application.properties}
	 * @return the running context, to be closed by the caller
	 */
	static ConfigurableApplicationContext start(Class<?> configuration, WebApplicationType type,
			DataRedisConnectionDetails connectionDetails, String... properties) {
		SpringApplication application = new SpringApplication(configuration);
		application.setWebApplicationType(type);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		// JMH and the smoke tests close the context themselves, in @TearDown or finally.
		application.setRegisterShutdownHook(false);
		// Keep benchmark output readable: only warnings and errors from the application.
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("logging.level.root", "warn");
		// commons-pool2 is on the class path for ConcurrentCacheBenchmark; Boot would then pool by default,
		// which applications without it (and the starter) do not.
		defaults.put("spring.data.redis.lettuce.pool.enabled", "false");
		for (String property : properties) {
			int equals = property.indexOf('=');
			if (equals < 1) {
				throw new IllegalArgumentException("Not a name=value pair: " + property);
			}
			defaults.put(property.substring(0, equals), property.substring(equals + 1));
		}
		application.setDefaultProperties(defaults);
		application.addInitializers((context) -> ((GenericApplicationContext) context)
			.registerBean(DataRedisConnectionDetails.class, () -> connectionDetails));
		return application.run();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(DataRedisAutoConfiguration.class)
	static class BootDefaults {

	}

}

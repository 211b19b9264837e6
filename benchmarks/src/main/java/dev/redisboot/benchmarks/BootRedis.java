package dev.redisboot.benchmarks;

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
 * Minimal non-web Spring Boot applications for benchmarks: only the auto-configurations a
 * benchmark names, connected to a benchmark's own Redis through its
 * {@link DataRedisConnectionDetails}, everything else at Boot's defaults.
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

	static ConfigurableApplicationContext start(Class<?> configuration, DataRedisConnectionDetails connectionDetails) {
		SpringApplication application = new SpringApplication(configuration);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		// JMH and the smoke tests close the context themselves, in @TearDown or finally.
		application.setRegisterShutdownHook(false);
		// Keep benchmark output readable: only warnings and errors from the application.
		application.setDefaultProperties(Map.of("logging.level.root", "warn"));
		application.addInitializers((context) -> ((GenericApplicationContext) context)
			.registerBean(DataRedisConnectionDetails.class, () -> connectionDetails));
		return application.run();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(DataRedisAutoConfiguration.class)
	static class BootDefaults {

	}

}

package dev.redisboot.actuate;

import java.util.Map;

import dev.redisboot.actuate.autoconfigure.RedisbootObservabilityAutoConfiguration;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Shared set-up of the observability integration tests.
 */
final class ObservabilityTestSupport {

	private ObservabilityTestSupport() {
	}

	static ApplicationContextRunner runner(RedisDeployment redis) {
		return runner(redis.connectionDetails());
	}

	static ApplicationContextRunner runner(DataRedisConnectionDetails connectionDetails) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
					RedisbootObservabilityAutoConfiguration.class))
			.withBean(DataRedisConnectionDetails.class, () -> connectionDetails)
			.withPropertyValues("redisboot.observability.server-metrics.enabled=false");
	}

	/**
	 * How many times the node has run a command, from {@code INFO commandstats}. The
	 * {@code INFO} that reads the count is counted in the next reading.
	 */
	static long calls(RedisNode node, String command) {
		Map<String, String> stats = node.info("commandstats");
		String line = stats.get("cmdstat_" + command);
		if (line == null) {
			return 0;
		}
		for (String part : line.split(",")) {
			if (part.startsWith("calls=")) {
				return Long.parseLong(part.substring("calls=".length()));
			}
		}
		throw new IllegalStateException("No calls in " + line);
	}

}

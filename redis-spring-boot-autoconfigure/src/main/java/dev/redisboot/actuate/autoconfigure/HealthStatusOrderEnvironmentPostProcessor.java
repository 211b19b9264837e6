package dev.redisboot.actuate.autoconfigure;

import java.util.Map;

import dev.redisboot.actuate.RedisServerHealthIndicator;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives Boot's health status order a place for {@link RedisServerHealthIndicator#WARNING}:
 * {@code DOWN, OUT_OF_SERVICE, WARNING, UP, UNKNOWN}. Boot's aggregator ignores statuses
 * missing from the order, so without this a Redis warning would not show in the overall
 * status. The default is added last, so an application that sets
 * {@code management.endpoint.health.status.order} itself keeps its own order.
 *
 * @author redisboot
 */
final class HealthStatusOrderEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY = "management.endpoint.health.status.order";

	static final String ORDER = "DOWN,OUT_OF_SERVICE,WARNING,UP,UNKNOWN";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.containsProperty(PROPERTY)) {
			environment.getPropertySources().addLast(new MapPropertySource("redisbootHealthStatusOrder", Map.of(PROPERTY, ORDER)));
		}
	}

}

package dev.redisboot.lock;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.redisboot.test.RedisDeployment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts instances (application contexts with a connection factory each) of an application
 * on one Redis and one key prefix, and reads their lock meters.
 */
final class LockInstances {

	private LockInstances() {
	}

	static String newPrefix() {
		return "lock-" + UUID.randomUUID().toString().substring(0, 8);
	}

	static ConfigurableApplicationContext start(Class<?> application, RedisDeployment redis, String prefix,
			String... extra) {
		List<String> properties = new ArrayList<>(List.of(redis.propertyValues()));
		properties.add("redisboot.key-prefix=" + prefix);
		properties.add("spring.main.banner-mode=off");
		properties.add("redisboot.cache.enabled=false");
		properties.add("redisboot.stream.enabled=false");
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	static ConfigurableApplicationContext start(RedisDeployment redis, String prefix, String... extra) {
		return start(LockTestApplication.class, redis, prefix, extra);
	}

	static DistributedLocks locks(ConfigurableApplicationContext context) {
		return context.getBean(DistributedLocks.class);
	}

	static double count(ConfigurableApplicationContext context, String name, String... tags) {
		Counter counter = context.getBean(MeterRegistry.class).find(name).tags(tags).counter();
		return (counter != null) ? counter.count() : 0;
	}

	static double acquisitions(ConfigurableApplicationContext context, String result) {
		return count(context, "redisboot.lock.acquisitions", "result", result);
	}

	static double runs(ConfigurableApplicationContext context, String task, String result) {
		return count(context, "redisboot.lock.scheduled.runs", "task", task, "result", result);
	}

	static double expirations(ConfigurableApplicationContext context) {
		return count(context, "redisboot.lock.lease.expirations");
	}

}

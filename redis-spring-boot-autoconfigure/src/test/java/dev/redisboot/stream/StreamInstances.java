package dev.redisboot.stream;

import java.util.ArrayList;
import java.util.List;

import dev.redisboot.test.RedisDeployment;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts instances of {@link StreamTestApplication} on one Redis and one key prefix.
 */
final class StreamInstances {

	private StreamInstances() {
	}

	static ConfigurableApplicationContext start(RedisDeployment redis, String prefix, String... extra) {
		return start(redis, prefix, new Class<?>[0], extra);
	}

	static ConfigurableApplicationContext start(RedisDeployment redis, String prefix, Class<?>[] configurations,
			String... extra) {
		List<String> properties = new ArrayList<>(List.of(redis.propertyValues()));
		properties.add("redisboot.key-prefix=" + prefix);
		properties.add("spring.main.banner-mode=off");
		properties.add("redisboot.cache.enabled=false");
		properties.add("redisboot.stream.block=200ms");
		properties.add("redisboot.stream.backoff-initial=100ms");
		properties.add("redisboot.stream.delayed-poll-interval=50ms");
		properties.add("redisboot.stream.shutdown-timeout=500ms");
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(StreamTestApplication.class).sources(configurations)
			.web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	static StreamTestApplication.Recorder recorder(ConfigurableApplicationContext context) {
		return context.getBean(StreamTestApplication.Recorder.class);
	}

}

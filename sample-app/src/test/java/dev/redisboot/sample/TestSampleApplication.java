package dev.redisboot.sample;

import org.springframework.boot.SpringApplication;

/**
 * Runs {@link SampleApplication} against a Redis server started for it, so that nothing
 * needs to be installed or running beforehand: {@code ./mvnw -pl sample-app spring-boot:test-run}.
 *
 * @author redisboot
 */
public class TestSampleApplication {

	public static void main(String[] args) {
		SpringApplication.from(SampleApplication::main).with(TestRedisConfiguration.class).run(args);
	}

}

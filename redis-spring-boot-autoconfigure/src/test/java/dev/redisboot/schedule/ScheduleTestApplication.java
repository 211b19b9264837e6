package dev.redisboot.schedule;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * An application without job handlers (so without consumers: the jobs stay in the stream,
 * where the tests count them) and without schedules of its own: the tests race schedulers
 * of their own on the instances' connections, with stepped clocks.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ScheduleTestApplication {

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

}

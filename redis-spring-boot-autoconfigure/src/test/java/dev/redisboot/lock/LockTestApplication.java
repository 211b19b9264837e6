package dev.redisboot.lock;

import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * An application with one {@link ScheduledOnce @ScheduledOnce} method whose body the tests
 * choose, called by the tests (no scheduler), so that rounds of "fire times" can be raced
 * exactly.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class LockTestApplication {

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	Nightly nightly() {
		return new Nightly();
	}

	/**
	 * A task that runs once across instances.
	 */
	static class Nightly {

		private final AtomicReference<Runnable> body = new AtomicReference<>(() -> {
		});

		// a method, not a field: the bean is a class proxy
		public void setBody(Runnable body) {
			this.body.set(body);
		}

		@ScheduledOnce(name = "nightly", lockAtMostFor = "10s")
		public void cleanUp() {
			this.body.get().run();
		}

	}

}

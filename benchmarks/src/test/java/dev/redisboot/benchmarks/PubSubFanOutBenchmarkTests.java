package dev.redisboot.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Smoke test of {@link PubSubFanOutBenchmark}: 3 subscribers per path, 8 publishing threads at
 * once (as JMH's {@code -t 8} would), every message delivered to every subscriber exactly once
 * and nothing else delivered, with one {@code PUBLISH} per message and no other command.
 */
class PubSubFanOutBenchmarkTests {

	private static final int SUBSCRIBERS = 3;

	private static final int THREADS = 8;

	private static final int MESSAGES_PER_THREAD = 25;

	@Test
	void everyMessageReachesEverySubscriberOnceWithOnePublish() throws Exception {
		PubSubFanOutBenchmark benchmark = new PubSubFanOutBenchmark();
		benchmark.subscribers = SUBSCRIBERS;
		benchmark.start("smoke test");
		try {
			publish(benchmark, true);
			publish(benchmark, false);
			long messages = 2L * THREADS * MESSAGES_PER_THREAD;
			assertThat(benchmark.messages()).isEqualTo(messages);
			assertThat(benchmark.deliveries()).as("deliveries").isEqualTo(messages * SUBSCRIBERS);
			assertThat(benchmark.strays()).isZero();
			Map<String, Double> commands = benchmark.commandsPerMessage();
			assertThat(commands.getOrDefault("primary:publish", 0.0)).as("%s", commands).isCloseTo(1.0, within(0.001));
			assertThat(commands.values().stream().mapToDouble(Double::doubleValue).sum()).as("%s", commands)
				.isCloseTo(1.0, within(0.01));
			assertThat(benchmark.summary()).contains(SUBSCRIBERS + " subscribers");
		}
		finally {
			benchmark.tearDown();
		}
	}

	private static void publish(PubSubFanOutBenchmark benchmark, boolean redisboot) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				done.add(threads.submit(() -> {
					for (int i = 0; i < MESSAGES_PER_THREAD; i++) {
						assertThat(redisboot ? benchmark.redisboot() : benchmark.raw()).isPositive();
					}
					return null;
				}));
			}
			for (Future<?> future : done) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

}

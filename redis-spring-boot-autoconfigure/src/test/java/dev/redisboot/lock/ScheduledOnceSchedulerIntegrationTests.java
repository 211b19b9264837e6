package dev.redisboot.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisTopology;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import static dev.redisboot.lock.LockInstances.runs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @ScheduledOnce} on a real {@code @Scheduled(cron = "* * * * * *")} method of three
 * instances whose schedulers all fire every second: each second's run happens on exactly one
 * of them; {@code lockAtLeastFor} keeps a quick run's lock past a late scheduler's fire.
 */
@WithRedis(RedisTopology.STANDALONE)
class ScheduledOnceSchedulerIntegrationTests {

	// one JVM, three instances: the runs of every instance, by the second they ran in
	static final Map<Long, AtomicInteger> runsBySecond = new ConcurrentHashMap<>();

	@Test
	void eachFireTimeRunsOnExactlyOneOfThreeInstances() {
		String prefix = LockInstances.newPrefix();
		try (ConfigurableApplicationContext a = LockInstances.start(EverySecond.class, RedisDeployments.sharedStandalone(), prefix);
				ConfigurableApplicationContext b = LockInstances.start(EverySecond.class, RedisDeployments.sharedStandalone(), prefix);
				ConfigurableApplicationContext c = LockInstances.start(EverySecond.class, RedisDeployments.sharedStandalone(), prefix)) {
			long started = Instant.now().getEpochSecond();
			List<ConfigurableApplicationContext> instances = List.of(a, b, c);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> runsBySecond.keySet().stream().filter((second) -> second > started).count() >= 5);
			assertThat(runsBySecond).allSatisfy((second, runs) -> assertThat(runs).as("runs in second %d", second)
				.hasValue(1));
			double ran = instances.stream().mapToDouble((instance) -> runs(instance, "tick", "ran")).sum();
			double skipped = instances.stream().mapToDouble((instance) -> runs(instance, "tick", "skipped")).sum();
			assertThat(ran).isGreaterThanOrEqualTo(5);
			assertThat(skipped).as("the other instances' fires were skipped").isGreaterThanOrEqualTo(5);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@EnableScheduling
	static class EverySecond {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		Tick tick() {
			return new Tick();
		}

	}

	static class Tick {

		@Scheduled(cron = "* * * * * *")
		@ScheduledOnce(name = "tick", lockAtMostFor = "5s", lockAtLeastFor = "500ms")
		public void tick() {
			runsBySecond.computeIfAbsent(Instant.now().getEpochSecond(), (second) -> new AtomicInteger())
				.incrementAndGet();
		}

	}

}

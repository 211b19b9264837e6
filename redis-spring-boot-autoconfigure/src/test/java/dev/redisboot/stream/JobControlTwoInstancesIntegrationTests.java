package dev.redisboot.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.redisboot.stream.StreamInstances.recorder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Job control across two instances on one Redis: a unique key, a cancellation and a rate
 * limit hold for both, whichever instance enqueues, cancels or runs the job.
 */
@WithRedis
class JobControlTwoInstancesIntegrationTests {

	private static final String[] SETTINGS = { "redisboot.jobs.types.urgent.rate-limit.limit=3",
			"redisboot.jobs.types.urgent.rate-limit.period=1h", "redisboot.jobs.types.newsletter.rate-limit.limit=4",
			"redisboot.jobs.types.newsletter.rate-limit.period=1s" };

	@Test
	void uniqueKeysCancellationAndRateLimitsHoldAcrossInstances() {
		RedisDeployment redis = RedisDeployments.sharedStandalone();
		String prefix = AbstractStreamIntegrationTests.newPrefix();
		try (ConfigurableApplicationContext a = StreamInstances.start(redis, prefix, SETTINGS);
				ConfigurableApplicationContext b = StreamInstances.start(redis, prefix, SETTINGS)) {
			JobQueue onA = a.getBean(JobQueue.class);
			JobQueue onB = b.getBean(JobQueue.class);
			String job = onA.enqueueUnique("long-report", "shared", "export:team-7");
			assertThat(onB.enqueueUnique("long-report", "shared", "export:team-7")).isEqualTo(job);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> recorder(a).reportsStarted.availablePermits() + recorder(b).reportsStarted.availablePermits() == 1);
			assertThat(onB.status(job)).map(JobStatus::state).hasValue(JobState.RUNNING);
			assertThat(onB.cancel(job)).isEqualTo(CancelOutcome.REQUESTED);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(onA.status(job)).map(JobStatus::state).hasValue(JobState.CANCELLED));
			assertThat(onB.enqueueUnique("long-report", "again", "export:team-7")).isNotEqualTo(job);
			onB.cancel(onB.enqueueUnique("long-report", "again", "export:team-7"));
			// three urgent jobs an hour in all, whichever instance runs them
			for (int i = 0; i < 6; i++) {
				((i % 2 == 0) ? onA : onB).enqueue("urgent", "u" + i);
			}
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(deferred(a, "urgent") + deferred(b, "urgent")).isEqualTo(3));
			assertThat(recorder(a).handled("urgent:").size() + recorder(b).handled("urgent:").size()).isEqualTo(3);
			// four a second: eight jobs take a second, and each over the rate is deferred once, to a slot of its own
			for (int i = 0; i < 8; i++) {
				((i % 2 == 0) ? onA : onB).enqueue("newsletter", "n" + i);
			}
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
					recorder(a).handled("newsletter:").size() + recorder(b).handled("newsletter:").size())
				.isEqualTo(8));
			assertThat(deferred(a, "newsletter") + deferred(b, "newsletter")).isEqualTo(4);
			List<Long> times = new ArrayList<>();
			for (ConfigurableApplicationContext context : List.of(a, b)) {
				recorder(context).handled.stream()
					.filter((handled) -> handled.what().startsWith("newsletter:"))
					.forEach((handled) -> times.add(handled.atMillis()));
			}
			assertThat(Collections.max(times) - Collections.min(times)).as("spread by the rate").isGreaterThanOrEqualTo(700);
		}
	}

	private static double deferred(ConfigurableApplicationContext context, String type) {
		var counter = AbstractStreamIntegrationTests.registry(context)
			.find("redisboot.jobs.deferred")
			.tag("type", type)
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

}

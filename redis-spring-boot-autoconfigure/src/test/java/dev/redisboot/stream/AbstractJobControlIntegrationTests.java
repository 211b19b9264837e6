package dev.redisboot.stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.redisboot.stream.StreamTestApplication.Email;
import dev.redisboot.test.RedisDeployment;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.redisboot.stream.AbstractStreamIntegrationTests.count;
import static dev.redisboot.stream.AbstractStreamIntegrationTests.registry;
import static dev.redisboot.stream.StreamInstances.recorder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Job control on real Redis, run on each topology: a job's status by id through its life,
 * cancellation of waiting and running jobs, and unique jobs while unfinished. The status
 * record and unique key share the jobs stream's hash tag, so the scripts that write them with
 * the stream work on Cluster.
 */
abstract class AbstractJobControlIntegrationTests {

	protected abstract RedisDeployment redis();

	private ConfigurableApplicationContext start(String... extra) {
		return StreamInstances.start(redis(), AbstractStreamIntegrationTests.newPrefix(), extra);
	}

	@Test
	void aJobsStatusFollowsItFromEnqueueToDoneAndToDeadWithItsLastFailure() {
		try (ConfigurableApplicationContext a = start("redisboot.jobs.max-attempts=2",
				"redisboot.stream.backoff-initial=1s")) {
			JobQueue jobs = a.getBean(JobQueue.class);
			Instant before = Instant.now().minusMillis(1);
			String id = jobs.enqueue("email", new Email("status@example.com"));
			assertThat(jobs.status(id)).hasValueSatisfying((status) -> {
				assertThat(status.state()).isIn(JobState.QUEUED, JobState.RUNNING, JobState.DONE);
				assertThat(status.type()).isEqualTo("email");
			});
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(jobs.status(id)).map(JobStatus::state).hasValue(JobState.DONE));
			JobStatus done = jobs.status(id).orElseThrow();
			assertThat(done.attempts()).isEqualTo(1);
			assertThat(done.enqueuedAt()).isAfter(before);
			assertThat(done.updatedAt()).isAfterOrEqualTo(done.enqueuedAt());
			assertThat(done.lastError()).isNull();
			assertThat(done.dueAt()).isNull();
			// retrying, with the failure's reason and when it is due; then dead after the last attempt
			String failing = jobs.enqueue("fail", "q3-report");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(jobs.status(failing)).hasValueSatisfying((status) -> {
					assertThat(status.state()).isEqualTo(JobState.RETRYING);
					assertThat(status.attempts()).isEqualTo(1);
					assertThat(status.dueAt()).isAfter(status.updatedAt());
					assertThat(status.lastError())
						.isEqualTo("java.lang.IllegalStateException: Report service down for q3-report");
				}));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(jobs.status(failing)).hasValueSatisfying((status) -> {
					assertThat(status.state()).isEqualTo(JobState.DEAD);
					assertThat(status.attempts()).isEqualTo(2);
					assertThat(status.lastError()).contains("IllegalStateException");
				}));
			// nothing for ids that were never enqueued, or are not ids
			assertThat(jobs.status(UUID.randomUUID().toString())).isEmpty();
			assertThat(jobs.status("not-a-job-id")).isEmpty();
			// the endpoint shows the same, without the payload
			StreamsEndpoint endpoint = new StreamsEndpoint(a.getBean(StreamListenerContainer.class),
					a.getBean(StreamStore.class), 1000, jobs);
			assertThat(endpoint.job("jobs", failing)).extracting(JobStatus::state).isEqualTo(JobState.DEAD);
			assertThat(endpoint.job("jobs", failing).toString()).doesNotContain("\"q3-report\"");
			assertThat(endpoint.job("orders", failing)).isNull();
			// over HTTP, a dead letter is deleted by its id; an unknown one, or an unknown job, is 404
			StreamsEndpointWebExtension web = new StreamsEndpointWebExtension(endpoint);
			@SuppressWarnings("unchecked")
			Map<String, Map<String, String>> letters = (Map<String, Map<String, String>>) endpoint.stream("jobs")
				.get("deadLetters");
			String letter = letters.entrySet()
				.stream()
				.filter((entry) -> failing.equals(entry.getValue().get("job")))
				.map(Map.Entry::getKey)
				.findFirst()
				.orElseThrow();
			assertThat(web.deleteDeadLetter("jobs", "dead-letters", letter).getStatus()).isEqualTo(200);
			assertThat(endpoint.stream("jobs").get("deadLetters")).asInstanceOf(InstanceOfAssertFactories.MAP)
				.doesNotContainKey(letter);
			assertThat(web.deleteDeadLetter("jobs", "dead-letters", letter).getStatus()).isEqualTo(404);
			assertThat(web.deleteDeadLetter("jobs", "dead-letters", "not-an-id").getStatus()).isEqualTo(404);
			assertThat(web.deleteDeadLetter("jobs", "groups", letter).getStatus()).isEqualTo(404);
			assertThat(web.cancel("jobs", UUID.randomUUID().toString()).getStatus()).isEqualTo(404);
			assertThat(web.cancel("orders", failing).getStatus()).isEqualTo(404);
			assertThat(web.cancel("jobs", failing).getBody()).containsEntry("outcome", "ALREADY_FINISHED");
			assertThat(registry(a).get("redisboot.jobs.status-lookups").tag("result", "missing").counter().count())
				.isEqualTo(2);
		}
	}

	@Test
	void cancelTakesOutWaitingJobsAndFlagsARunningOneForItsHandler() {
		try (ConfigurableApplicationContext a = start("redisboot.jobs.concurrency=1")) {
			JobQueue jobs = a.getBean(JobQueue.class);
			StreamStore store = a.getBean(StreamStore.class);
			// a delayed job leaves the delayed set
			String delayed = jobs.enqueueIn(Duration.ofHours(1), "email", new Email("later@example.com"));
			assertThat(jobs.status(delayed)).map(JobStatus::state).hasValue(JobState.SCHEDULED);
			assertThat(jobs.status(delayed).orElseThrow().dueAt()).isAfter(Instant.now().plusSeconds(3500));
			assertThat(store.stats("jobs", "jobs").delayed()).isEqualTo(1);
			assertThat(jobs.cancel(delayed)).isEqualTo(CancelOutcome.CANCELLED);
			assertThat(store.stats("jobs", "jobs").delayed()).isZero();
			assertThat(jobs.status(delayed)).map(JobStatus::state).hasValue(JobState.CANCELLED);
			assertThat(jobs.cancel(delayed)).isEqualTo(CancelOutcome.ALREADY_FINISHED);
			// the only consumer runs a long job, so the next one waits in the stream
			String running = jobs.enqueue("long-report", "q3");
			await().atMost(Duration.ofSeconds(10)).until(() -> recorder(a).reportsStarted.availablePermits() == 1);
			assertThat(jobs.status(running)).map(JobStatus::state).hasValue(JobState.RUNNING);
			String queued = jobs.enqueue("email", new Email("queued@example.com"));
			assertThat(jobs.status(queued)).map(JobStatus::state).hasValue(JobState.QUEUED);
			assertThat(jobs.cancel(queued)).isEqualTo(CancelOutcome.CANCELLED);
			// the running job is flagged; its handler sees it, returns, and the job ends cancelled
			StreamsEndpoint endpoint = new StreamsEndpoint(a.getBean(StreamListenerContainer.class), store, 1000, jobs);
			assertThat(endpoint.cancel("jobs", running)).containsEntry("outcome", "REQUESTED");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(jobs.status(running)).map(JobStatus::state).hasValue(JobState.CANCELLED));
			assertThat(recorder(a).handled("long-report:")).containsExactly("long-report:q3:cancelled");
			// the cancelled queued job is acknowledged without running
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(count(a, "jobs", "jobs", "cancelled")).isEqualTo(2);
				assertThat(store.stats("jobs", "jobs").pending()).isZero();
				assertThat(store.stats("jobs", "jobs").lag()).isZero();
			});
			assertThat(recorder(a).handled("email:")).isEmpty();
			assertThat(jobs.status(queued)).map(JobStatus::state).hasValue(JobState.CANCELLED);
			assertThat(jobs.cancel(UUID.randomUUID().toString())).isEqualTo(CancelOutcome.NOT_FOUND);
			assertThat(registry(a).get("redisboot.jobs.cancellations").tag("outcome", "cancelled").counter().count())
				.isEqualTo(2);
			assertThat(registry(a).get("redisboot.jobs.cancellations").tag("outcome", "requested").counter().count())
				.isEqualTo(1);
		}
	}

	@Test
	void aUniqueJobIsEnqueuedOnceWhileUnfinishedAndAgainOnceItFinished() throws Exception {
		try (ConfigurableApplicationContext a = start()) {
			JobQueue jobs = a.getBean(JobQueue.class);
			// racing callers get one job
			ExecutorService callers = Executors.newFixedThreadPool(8);
			List<Future<String>> ids = new ArrayList<>();
			try {
				for (int i = 0; i < 8; i++) {
					Callable<String> call = () -> jobs.enqueueUnique("long-report", "export", "export:user-42@example.com");
					ids.add(callers.submit(call));
				}
			}
			finally {
				callers.shutdown();
				assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			}
			String first = ids.get(0).get();
			for (Future<String> id : ids) {
				assertThat(id.get()).isEqualTo(first);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> recorder(a).reportsStarted.availablePermits() == 1);
			assertThat(jobs.enqueueUnique("long-report", "export", "export:user-42@example.com")).as("while running")
				.isEqualTo(first);
			// finished (here: cancelled), the key is free again
			assertThat(jobs.cancel(first)).isEqualTo(CancelOutcome.REQUESTED);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(jobs.status(first)).map(JobStatus::state).hasValue(JobState.CANCELLED));
			String second = jobs.enqueueUnique("long-report", "export", "export:user-42@example.com");
			assertThat(second).isNotEqualTo(first);
			String later = jobs.enqueueIn(Duration.ofHours(1), "email", new Email("x@example.com"));
			assertThat(later).isNotNull();
			String mail = jobs.enqueueUnique("email", new Email("unique@example.com"), "mail:unique@example.com");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(jobs.status(mail)).map(JobStatus::state).hasValue(JobState.DONE));
			assertThat(jobs.enqueueUnique("email", new Email("unique@example.com"), "mail:unique@example.com"))
				.as("done: a new job").isNotEqualTo(mail);
			// the Redis key holds only a digest of the unique key
			StreamKeys keys = a.getBean(StreamKeys.class);
			assertThat(keys.uniqueKey("jobs", "export:user-42@example.com")).doesNotContain("user-42")
				.contains("{jobs}:unique:");
			assertThat(registry(a).get("redisboot.jobs.unique").tag("result", "existing").counter().count())
				.isEqualTo(8);
			assertThat(jobs.cancel(second)).isIn(CancelOutcome.CANCELLED, CancelOutcome.REQUESTED);
			assertThat(jobs.cancel(later)).isEqualTo(CancelOutcome.CANCELLED);
		}
	}

	@Test
	void highPriorityJobsOvertakeABacklogAndLowPriorityJobsAreNotStarved() {
		try (ConfigurableApplicationContext a = start("redisboot.jobs.concurrency=1", "redisboot.jobs.max-attempts=1",
				"redisboot.jobs.types.urgent.priority=high", "redisboot.jobs.types.fail.priority=high",
				"redisboot.jobs.types.newsletter.priority=low")) {
			JobQueue jobs = a.getBean(JobQueue.class);
			// the normal lane's only consumer runs a long job, and a backlog waits behind it
			String blocker = jobs.enqueue("long-report", "blocker");
			await().atMost(Duration.ofSeconds(10)).until(() -> recorder(a).reportsStarted.availablePermits() == 1);
			for (int i = 0; i < 20; i++) {
				jobs.enqueue("email", new Email("backlog-" + i + "@example.com"));
			}
			String urgent = jobs.enqueue("urgent", "now");
			jobs.enqueueIn(Duration.ofMillis(100), "urgent", "delayed");
			String newsletter = jobs.enqueue("newsletter", "weekly");
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				assertThat(recorder(a).handled("urgent:")).containsExactlyInAnyOrder("urgent:now", "urgent:delayed");
				assertThat(recorder(a).handled("newsletter:")).containsExactly("newsletter:weekly");
			});
			assertThat(recorder(a).handled("email:")).as("the backlog still waits").isEmpty();
			assertThat(jobs.status(urgent)).map(JobStatus::state).hasValue(JobState.DONE);
			assertThat(jobs.status(newsletter)).map(JobStatus::state).hasValue(JobState.DONE);
			StreamStore store = a.getBean(StreamStore.class);
			assertThat(store.keys().streamKey("jobs#high")).endsWith("stream:{jobs}:high");
			assertThat(store.stats("jobs#high", "jobs").length()).as("two high-priority jobs").isEqualTo(2);
			assertThat(store.stats("jobs", "jobs").lag()).isEqualTo(20);
			// a dead high-priority job retried from the endpoint goes back into its lane, past the backlog
			jobs.enqueue("fail", "dead-high");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(store.stats("jobs", "jobs").deadLetters()).isEqualTo(1));
			StreamsEndpoint endpoint = new StreamsEndpoint(a.getBean(StreamListenerContainer.class), store, 1000, jobs);
			assertThat(endpoint.retryDeadLetters("jobs", null, 10)).containsEntry("retried", 1);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("fail:dead-high")).hasSize(2));
			assertThat(recorder(a).handled).filteredOn((handled) -> handled.what().startsWith("fail:"))
				.allSatisfy((handled) -> assertThat(handled.delivery().stream()).isEqualTo("jobs#high"));
			// the backlog runs once the long job ends
			assertThat(jobs.cancel(blocker)).isEqualTo(CancelOutcome.REQUESTED);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:")).hasSize(20));
		}
	}

	@Test
	void aTypesConcurrencyAndRateLimitDeferItsJobsWithoutCountingAttempts() {
		try (ConfigurableApplicationContext a = start("redisboot.jobs.types.long-report.concurrency=1",
				"redisboot.jobs.deferral=100ms", "redisboot.jobs.types.urgent.rate-limit.limit=2",
				"redisboot.jobs.types.urgent.rate-limit.period=1h")) {
			JobQueue jobs = a.getBean(JobQueue.class);
			// four consumers, but one report at a time on this instance: the second is deferred, again and again
			String first = jobs.enqueue("long-report", "first");
			await().atMost(Duration.ofSeconds(10)).until(() -> recorder(a).reportsStarted.availablePermits() == 1);
			String second = jobs.enqueue("long-report", "second");
			await().atMost(Duration.ofSeconds(10)).until(() -> deferred(a, "long-report", "concurrency") >= 3);
			assertThat(recorder(a).reportsStarted.availablePermits()).isEqualTo(1);
			assertThat(jobs.status(second)).hasValueSatisfying((status) -> {
				assertThat(status.state()).isIn(JobState.SCHEDULED, JobState.QUEUED);
				assertThat(status.attempts()).as("a deferral is no attempt").isZero();
			});
			assertThat(jobs.cancel(first)).isEqualTo(CancelOutcome.REQUESTED);
			await().atMost(Duration.ofSeconds(10)).until(() -> recorder(a).reportsStarted.availablePermits() == 2);
			assertThat(jobs.status(second)).hasValueSatisfying((status) -> {
				assertThat(status.state()).isEqualTo(JobState.RUNNING);
				assertThat(status.attempts()).isEqualTo(1);
			});
			assertThat(jobs.cancel(second)).isEqualTo(CancelOutcome.REQUESTED);
			// two urgent jobs an hour, across instances: the third waits half an hour
			Instant before = Instant.now();
			List<String> urgent = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				urgent.add(jobs.enqueue("urgent", "u" + i));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> deferred(a, "urgent", "rate-limit") >= 1);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("urgent:")).hasSize(2));
			assertThat(deferred(a, "urgent", "rate-limit")).isEqualTo(1);
			String late = urgent.stream()
				.filter((id) -> jobs.status(id).orElseThrow().state() == JobState.SCHEDULED)
				.findFirst()
				.orElseThrow();
			JobStatus waiting = jobs.status(late).orElseThrow();
			assertThat(waiting.attempts()).isZero();
			assertThat(waiting.dueAt()).isBetween(before.plus(Duration.ofMinutes(29)), before.plus(Duration.ofMinutes(31)));
			assertThat(jobs.cancel(late)).isEqualTo(CancelOutcome.CANCELLED);
			assertThat(a.getBean(StreamStore.class).stats("jobs", "jobs").delayed()).isZero();
		}
	}

	private static double deferred(ConfigurableApplicationContext context, String type, String reason) {
		var counter = registry(context).find("redisboot.jobs.deferred").tag("type", type).tag("reason", reason).counter();
		return (counter != null) ? counter.count() : 0;
	}

}

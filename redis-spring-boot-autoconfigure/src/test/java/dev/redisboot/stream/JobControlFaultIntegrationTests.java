package dev.redisboot.stream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.redisboot.stream.StreamTestApplication.Email;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.redisboot.stream.AbstractStreamFaultIntegrationTests.fault;
import static dev.redisboot.stream.AbstractStreamFaultIntegrationTests.lines;
import static dev.redisboot.stream.StreamInstances.recorder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;
import static org.awaitility.Awaitility.await;

/**
 * Hostile and broken state in the job control key families (status records, unique keys,
 * rate-limit buckets):
 * garbage, another Redis type, a record deleted while its job waits, and a user who may not
 * touch status records (NOPERM). Lookups give nothing instead of failing, jobs still run,
 * each fault is counted, the log stays bounded and never quotes stored bytes or unique keys,
 * and everything works again once the state is repaired, without a restart.
 */
@WithRedis
@ExtendWith(OutputCaptureExtension.class)
class JobControlFaultIntegrationTests {

	private static RedisNode node() {
		return RedisDeployments.sharedStandalone().node();
	}

	@Test
	void unreadableOrDeletedStatusRecordsGiveNothingAndTheirJobsStillRun(CapturedOutput output) {
		try (ConfigurableApplicationContext a = StreamInstances.start(RedisDeployments.sharedStandalone(),
				AbstractStreamIntegrationTests.newPrefix(), "redisboot.jobs.concurrency=1",
				"redisboot.jobs.types.newsletter.rate-limit.limit=1000")) {
			JobQueue jobs = a.getBean(JobQueue.class);
			StreamKeys keys = a.getBean(StreamKeys.class);
			// lookups of garbage, another type and nonsense fields give nothing, counted
			String garbage = UUID.randomUUID().toString();
			node().execute("SET", keys.jobStatusKey("jobs", garbage), "secret@example.com");
			String nonsense = UUID.randomUUID().toString();
			node().execute("HSET", keys.jobStatusKey("jobs", nonsense), "state", "ON-FIRE", "updated", "soon");
			assertThat(jobs.status(garbage)).isEmpty();
			assertThat(jobs.status(nonsense)).isEmpty();
			assertThat(jobs.cancel(garbage)).isEqualTo(CancelOutcome.NOT_FOUND);
			assertThat(jobs.cancel(nonsense)).isEqualTo(CancelOutcome.NOT_FOUND);
			assertThat(fault(a, "job-status")).isEqualTo(4);
			// jobs wait behind a long one; their records are broken meanwhile
			String running = jobs.enqueue("long-report", "q3");
			await().atMost(Duration.ofSeconds(10)).until(() -> recorder(a).reportsStarted.availablePermits() == 1);
			String wrongType = jobs.enqueue("email", new Email("wrong-type@example.com"));
			String deleted = jobs.enqueue("email", new Email("deleted@example.com"));
			node().execute("DEL", keys.jobStatusKey("jobs", wrongType));
			node().execute("LPUSH", keys.jobStatusKey("jobs", wrongType), "secret@example.com");
			node().execute("DEL", keys.jobStatusKey("jobs", deleted));
			assertThat(jobs.status(deleted)).isEmpty();
			assertThat(jobs.cancel(deleted)).as("no record: nothing to cancel").isEqualTo(CancelOutcome.NOT_FOUND);
			assertThat(jobs.cancel(running)).isEqualTo(CancelOutcome.REQUESTED);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:")).containsExactly("email:wrong-type@example.com",
						"email:deleted@example.com"));
			// both run, and their records are written afresh
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(jobs.status(wrongType)).map(JobStatus::state).hasValue(JobState.DONE);
				assertThat(jobs.status(deleted)).map(JobStatus::state).hasValue(JobState.DONE);
			});
			assertThat(jobs.status(deleted).orElseThrow().enqueuedAt()).as("lost with the record").isNull();
			assertThat(fault(a, "job-status")).as("the list replaced at the start; a deleted record is merely missing").isEqualTo(5);
			// a unique key that holds garbage or another type is replaced, and released when its job is done
			String uniqueKey = keys.uniqueKey("jobs", "mail:user-42@example.com");
			node().execute("SET", uniqueKey, "not a job id");
			String first = jobs.enqueueUnique("email", new Email("unique@example.com"), "mail:user-42@example.com");
			assertThat(fault(a, "unique-record")).isEqualTo(1);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(jobs.status(first)).map(JobStatus::state).hasValue(JobState.DONE));
			assertThat(node().execute("EXISTS", uniqueKey)).as("released").isEqualTo(0L);
			node().execute("HSET", uniqueKey, "job", first);
			assertThat(jobs.enqueueUnique("email", new Email("unique@example.com"), "mail:user-42@example.com"))
				.isNotEqualTo(first);
			assertThat(fault(a, "unique-record")).isEqualTo(2);
			// a rate-limit bucket that holds garbage or another type is replaced, and the job runs
			String rateKey = keys.jobRateKey("jobs", "newsletter");
			node().execute("SET", rateKey, "secret@example.com");
			String limited = jobs.enqueue("newsletter", "garbage-bucket");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(jobs.status(limited)).map(JobStatus::state).hasValue(JobState.DONE));
			node().execute("DEL", rateKey);
			node().execute("LPUSH", rateKey, "secret@example.com");
			String wrongBucket = jobs.enqueue("newsletter", "wrong-type-bucket");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(jobs.status(wrongBucket)).map(JobStatus::state).hasValue(JobState.DONE));
			assertThat(fault(a, "job-status")).isEqualTo(7);
			assertThat(node().execute("TYPE", rateKey)).as("a bucket again (or expired: full)").isIn("string", "none");
			// a record's TTL: finished records expire after status-ttl
			long ttl = (Long) node().execute("PTTL", keys.jobStatusKey("jobs", first));
			assertThat(ttl).isBetween(Duration.ofHours(23).toMillis(), Duration.ofDays(1).toMillis());
		}
		assertThat(output.getOut()).doesNotContain("secret@example.com").doesNotContain("user-42@example.com");
		assertThat(lines(output, "job status record")).isLessThanOrEqualTo(3);
	}

	@Test
	void aUserWhoMayNotTouchStatusRecordsStillHasJobsRunAndAllWorksOnceGranted(CapturedOutput output) {
		try (StandaloneRedis redis = StandaloneRedis.startWithAclUser(
				"~np:stream:{*} ~np:stream:{*}:delayed ~np:stream:{*}:dead ~np:stream:{*}:unique:* &* +@all -@dangerous");
				ConfigurableApplicationContext a = StreamInstances.start(redis, "np",
						"redisboot.connection.check-at-startup=false")) {
			JobQueue jobs = a.getBean(JobQueue.class);
			StreamStore store = a.getBean(StreamStore.class);
			// the caller must know the job was not added
			assertThatRuntimeException().isThrownBy(() -> jobs.enqueue("email", new Email("refused@example.com")))
				.withMessageContaining("NOPERM");
			// a lookup gives nothing, counted
			assertThat(jobs.status(UUID.randomUUID().toString())).isEmpty();
			assertThat(fault(a, "job-status")).isEqualTo(1);
			// a job already in the stream (from an instance without status tracking) runs untracked
			String jobId = UUID.randomUUID().toString();
			Map<String, byte[]> fields = new LinkedHashMap<>();
			fields.put(StreamFields.TYPE, StreamFields.bytes("email"));
			fields.put(StreamFields.JOB, StreamFields.bytes(jobId));
			fields.put(StreamFields.PAYLOAD, StreamFields.bytes("{\"to\":\"untracked@example.com\"}"));
			store.add("jobs", fields, 1000);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:")).containsExactly("email:untracked@example.com"));
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(store.stats("jobs", "jobs").pending()).isZero());
			assertThat(fault(a, "job-status")).isEqualTo(2);
			// granted: tracked again, without a restart
			redis.node().execute("ACL", "SETUSER", StandaloneRedis.ACL_USER, "~np:*");
			String granted = jobs.enqueue("email", new Email("granted@example.com"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(jobs.status(granted)).map(JobStatus::state).hasValue(JobState.DONE));
		}
		assertThat(lines(output, "NOPERM")).isLessThanOrEqualTo(4);
	}

}

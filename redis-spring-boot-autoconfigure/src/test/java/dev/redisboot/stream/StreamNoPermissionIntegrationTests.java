package dev.redisboot.stream;

import java.time.Duration;

import dev.redisboot.stream.StreamTestApplication.Email;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * An application user whose ACL key pattern covers the streams but not their delayed sets,
 * dead-letter streams and idempotency keys, as a hand-written managed-Redis rule might: the
 * consumers keep consuming, each refused command is counted, and granting the keys makes
 * delayed jobs and dead letters work again without a restart.
 */
@ExtendWith(OutputCaptureExtension.class)
class StreamNoPermissionIntegrationTests {

	private static StandaloneRedis redis;

	@BeforeAll
	static void startRedis() {
		redis = StandaloneRedis.startWithAclUser("~tight:stream:{*} &* +@all -@dangerous");
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Test
	void keysOutsideTheUsersPatternAreCountedAndWorkOnceGranted(CapturedOutput output) {
		// a user with only some keys under the prefix, as if the ACL were tightened behind a
		// running application: the startup access check would refuse to start
		try (ConfigurableApplicationContext a = StreamInstances.start(redis, "tight",
				"redisboot.stream.reclaim-idle=1s", "redisboot.connection.check-at-startup=false",
				// status records are a key family of their own: see JobControlFaultIntegrationTests
				"redisboot.jobs.status-tracking=false")) {
			JobQueue jobs = a.getBean(JobQueue.class);
			StreamStore store = a.getBean(StreamStore.class);
			jobs.enqueue("email", new Email("now@example.com"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:now")).hasSize(1));
			await().atMost(Duration.ofSeconds(5)).until(() -> fault(a, "move") >= 1);
			assertThatRuntimeException().isThrownBy(() -> jobs.enqueueIn(Duration.ofSeconds(1), "email", "x"))
				.withMessageContaining("NOPERM");
			assertThatRuntimeException()
				.isThrownBy(() -> jobs.enqueue("email", new Email("once@example.com"), "welcome:once@example.com"))
				.withMessageContaining("NOPERM");
			jobs.enqueue("sms", "no handler: must be dead-lettered");
			await().atMost(Duration.ofSeconds(5)).until(() -> fault(a, "consume") >= 1);
			jobs.enqueue("email", new Email("still@example.com"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:still")).hasSize(1));
			redis.node().execute("ACL", "SETUSER", StandaloneRedis.ACL_USER, "~tight:*");
			jobs.enqueueIn(Duration.ofMillis(100), "email", new Email("delayed@example.com"));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:delayed")).hasSize(1));
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(store.stats("jobs", "jobs").deadLetters()).isEqualTo(1));
		}
		// once per stream whose moves fail (orders, slow, jobs) and once for the consumer's failed dead letter
		assertThat(lines(output, "NOPERM")).isLessThanOrEqualTo(4);
	}

}

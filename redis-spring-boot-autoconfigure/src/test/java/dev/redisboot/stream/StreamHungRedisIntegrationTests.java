package dev.redisboot.stream;

import java.time.Duration;

import dev.redisboot.stream.StreamTestApplication.Email;
import dev.redisboot.test.StandaloneRedis;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.redisboot.stream.StreamInstances.recorder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;
import static org.awaitility.Awaitility.await;

/**
 * Jobs on a Redis that is up but does not answer (the process is frozen: connections stay
 * open, nothing is answered): an enqueue fails within {@code redisboot.stream.timeout}, yet
 * the command it had sent runs once Redis answers, so the job may run although its caller saw
 * a failure (a retry with an idempotency key does not run it twice); consumers resume by
 * themselves. The server is the class's own: it is paused.
 */
class StreamHungRedisIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	private static StandaloneRedis redis;

	@BeforeAll
	static void startRedis() {
		redis = StandaloneRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	void enqueueFailsWithinTheTimeoutItsCommandStillRunsAndConsumersResume() {
		try (ConfigurableApplicationContext a = StreamInstances.start(redis, "frozen",
				"redisboot.stream.timeout=" + TIMEOUT.toMillis() + "ms")) {
			JobQueue jobs = a.getBean(JobQueue.class);
			jobs.enqueue("email", new Email("before@example.com"), "before"); // loads the enqueue script
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:before@example.com")).hasSize(1));
			redis.node().pause();
			try {
				failsWithin(() -> jobs.enqueue("email", new Email("plain@example.com")));
				failsWithin(() -> jobs.enqueue("email", new Email("keyed@example.com"), "keyed"));
			}
			finally {
				redis.node().resume();
			}
			// the caller saw a failure, but its XADD was on its way: Redis runs it once it answers
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(recorder(a).handled("email:plain@example.com")).hasSize(1));
			// the caller retries with its idempotency key: the job runs once either way
			await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
				.until(() -> jobs.enqueue("email", new Email("keyed@example.com"), "keyed") != null);
			jobs.enqueue("email", new Email("after@example.com"));
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				assertThat(recorder(a).handled("email:after@example.com")).hasSize(1);
				assertThat(recorder(a).handled("email:keyed@example.com")).hasSize(1);
			});
			assertThat(recorder(a).handled("email:plain@example.com")).hasSize(1);
		}
	}

	private static void failsWithin(ThrowingCallable enqueue) {
		long started = System.nanoTime();
		assertThatRuntimeException().isThrownBy(enqueue);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.plusSeconds(2));
	}

}

package dev.redisboot.session;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.redisboot.session.SessionInstances.get;
import static dev.redisboot.session.SessionInstances.login;
import static dev.redisboot.session.SessionInstances.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The documented behaviour while Redis is down or does not answer (docs/sessions.md, "Limits"):
 * requests that use the session fail with HTTP 503 and {@code Retry-After} within
 * {@code redisboot.session.redis-timeout}, at once while the circuit breaker is open (with
 * one probe at a time reaching Redis), requests that do not use it are served, and sessions
 * work again once Redis is back, without a restart. The server is this class's own: it is
 * stopped and paused.
 */
@WithRedis(isolated = true)
@Timeout(90)
class SessionOutageIntegrationTests {

	private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);

	/** Longer than the timeout: a failed probe keeps the breaker open a while. */
	private static final Duration OPEN = Duration.ofSeconds(1);

	private static final int CLIENTS = 16;

	private static ConfigurableApplicationContext start(StandaloneRedis redis, String prefix) {
		return SessionInstances.start(redis, prefix,
				"redisboot.session.redis-timeout=" + REDIS_TIMEOUT.toMillis() + "ms",
				"redisboot.session.circuit-breaker.failure-threshold=1",
				"redisboot.session.circuit-breaker.open-duration=" + OPEN.toMillis() + "ms");
	}

	@Test
	void aSilentOrStoppedRedisFailsRequestsThatUseTheSessionWithinTheTimeoutAndSessionsWorkAgainOnceItIsBack(
			StandaloneRedis redis) throws InterruptedException {
		RedisNode node = redis.nodes().get(0);
		try (ConfigurableApplicationContext a = start(redis, "outage")) {
			String cookie = login(a, "ada");
			assertThat(get(a, "/me", cookie).body()).isEqualTo("ada");

			// a server that does not answer: the request fails within the timeout, nothing hangs
			MeterRegistry registry = a.getBean(MeterRegistry.class);
			node.pause();
			long started = System.nanoTime();
			try {
				HttpResponse<String> unavailable = get(a, "/me", cookie);
				assertThat(unavailable.statusCode()).isEqualTo(503);
				assertThat(unavailable.headers().firstValue("Retry-After")).as("the breaker's open-duration").hasValue("1");
			}
			finally {
				node.resume();
			}
			// one call for the whole request: Spring Session's commit, which asks for the session again, is
			// answered from the request scope, without a second wait (or, here, a short-circuited call)
			assertThat(unavailable(registry, "failed")).as("the read that got no answer").isEqualTo(1);
			assertThat(unavailable(registry, "short-circuited")).as("calls not sent").isZero();
			// the timeout (once: the 503 is answered without an error dispatch) plus room for a loaded machine
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(REDIS_TIMEOUT.plusSeconds(5));
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(get(a, "/me", cookie).body()).as("kept").isEqualTo("ada"));
			double failed = unavailable(registry, "failed");
			double shortCircuited = unavailable(registry, "short-circuited");

			// a save to a server that does not answer (a new session: nothing is read first) fails the same way
			node.pause();
			started = System.nanoTime();
			try {
				assertThat(post(a, "/login?user=grace", null).statusCode()).as("saves a session").isEqualTo(503);
				assertThat(get(a, "/plain", null).body()).as("uses no session").isEqualTo("ok");
			}
			finally {
				node.resume();
			}
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(REDIS_TIMEOUT.plusSeconds(5));
			// the working reads since have closed the breaker again, so the save was sent and is its request's
			// only call: the commits that follow in the request fail without asking Redis again
			assertThat(unavailable(registry, "failed") - failed).as("the save that got no answer").isEqualTo(1);
			assertThat(unavailable(registry, "short-circuited") - shortCircuited).as("calls not sent").isZero();
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(get(a, "/me", cookie).body()).as("still kept").isEqualTo("ada"));
			failed = unavailable(registry, "failed");
			shortCircuited = unavailable(registry, "short-circuited");

			// a stopped server
			node.stop();
			try {
				assertThat(get(a, "/me", cookie).statusCode()).as("reads the session").isEqualTo(503);
				assertThat(unavailable(registry, "failed") - failed).as("the read that got no answer").isEqualTo(1);
				assertThat(unavailable(registry, "short-circuited") - shortCircuited).as("calls not sent").isZero();
				double calls = calls(registry);
				assertThat(post(a, "/login?user=grace", null).statusCode()).as("creates a session").isEqualTo(503);
				// one call: failed, or short-circuited by the breaker the read opened (threshold 1)
				assertThat(calls(registry) - calls).as("the save's calls").isEqualTo(1);
				assertThat(get(a, "/plain", null).body()).as("uses no session").isEqualTo("ok");
			}
			finally {
				node.start(); // an empty server: the stored sessions are gone
			}
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(get(a, "/me", cookie).statusCode()).isEqualTo(401));
			String fresh = login(a, "ada");
			assertThat(get(a, "/me", fresh).body()).isEqualTo("ada");
			assertThat(SessionInstances.repository(a).findSessions("ada")).hasSize(1);

			concurrentRequestsFailFastWhileTheBreakerIsOpenAndOneProbeAtATimeReachesRedis(a, node, fresh);
		}
	}

	/**
	 * {@value #CLIENTS} clients send requests with a session for 2.5 s to a frozen server: the
	 * first request opens the breaker (threshold 1) after the timeout, the others are answered
	 * 503 at once, and only the breaker's probes, one at a time, reach Redis: the server, once
	 * it answers again, has run the first read and the probes' reads, not one per request.
	 */
	private void concurrentRequestsFailFastWhileTheBreakerIsOpenAndOneProbeAtATimeReachesRedis(
			ConfigurableApplicationContext a, RedisNode node, String cookie) throws InterruptedException {
		MeterRegistry registry = a.getBean(MeterRegistry.class);
		double shortCircuitedBefore = unavailable(registry, "short-circuited");
		node.execute("CONFIG", "RESETSTAT");
		AtomicInteger requests = new AtomicInteger();
		AtomicInteger notUnavailable = new AtomicInteger();
		AtomicLong slowest = new AtomicLong();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> clients = new ArrayList<>();
		node.pause();
		long window = System.nanoTime();
		try {
			assertThat(get(a, "/me", cookie).statusCode()).as("opens the breaker").isEqualTo(503);
			long deadline = System.nanoTime() + Duration.ofMillis(2500).toNanos();
			for (int i = 0; i < CLIENTS; i++) {
				Thread client = new Thread(() -> {
					awaitQuietly(start);
					while (System.nanoTime() < deadline) {
						long started = System.nanoTime();
						HttpResponse<String> response = get(a, "/me", cookie);
						slowest.accumulateAndGet(System.nanoTime() - started, Math::max);
						requests.incrementAndGet();
						if (response.statusCode() != 503 || response.headers().firstValue("Retry-After").isEmpty()) {
							notUnavailable.incrementAndGet();
						}
						LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
					}
				}, "session-client-" + i);
				clients.add(client);
				client.start();
			}
			start.countDown();
			assertThat(get(a, "/plain", null).body()).as("uses no session").isEqualTo("ok");
			for (Thread client : clients) {
				client.join(Duration.ofSeconds(30).toMillis());
				assertThat(client.isAlive()).as("a client hangs").isFalse();
			}
		}
		finally {
			node.resume();
		}
		window = System.nanoTime() - window;
		assertThat(notUnavailable).as("requests not answered 503 with Retry-After").hasValue(0);
		assertThat(requests.get()).as("requests in 2.5 s").isGreaterThanOrEqualTo(CLIENTS * 2);
		// without a breaker each request waits for the timeout: CLIENTS requests would take 8 s at least
		assertThat(Duration.ofNanos(slowest.get())).as("the slowest request").isLessThan(REDIS_TIMEOUT.plusSeconds(2));
		// the reads Redis runs once it answers: the first, and one per probe (one per open-duration at most)
		long probesAtMost = Duration.ofNanos(window).toMillis() / OPEN.toMillis() + 1;
		await().atMost(Duration.ofSeconds(10)).until(() -> hgetalls(node) >= 2);
		assertThat(hgetalls(node)).as("session reads that reached Redis").isBetween(2L, 1 + probesAtMost);
		assertThat(unavailable(registry, "short-circuited") - shortCircuitedBefore)
			.as("calls not sent").isGreaterThanOrEqualTo(requests.get() - probesAtMost);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(get(a, "/me", cookie).body()).as("works again").isEqualTo("ada"));
		assertThat(SessionInstances.repository(a).getCircuitBreaker().isOpen()).isFalse();
	}

	private static double unavailable(MeterRegistry registry, String result) {
		return registry.get("redisboot.sessions.unavailable").tag("result", result).counter().count();
	}

	/** Session Redis calls that got no answer or were not sent. */
	private static double calls(MeterRegistry registry) {
		return unavailable(registry, "failed") + unavailable(registry, "short-circuited");
	}

	private static long hgetalls(RedisNode node) {
		Map<String, String> stats = node.info("commandstats");
		String value = stats.get("cmdstat_hgetall");
		if (value == null) {
			return 0;
		}
		for (String part : value.split(",")) {
			if (part.startsWith("calls=")) {
				return Long.parseLong(part.substring("calls=".length()));
			}
		}
		return 0;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

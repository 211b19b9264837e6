package dev.redisboot.benchmarks;

import java.util.Map;

import dev.redisboot.benchmarks.SessionBenchmark.Commands;
import dev.redisboot.session.RedisbootSessionRepository;
import org.junit.jupiter.api.Test;

import org.springframework.session.data.redis.RedisSessionRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@link SessionBenchmark}: the trial setup of each scenario (which signs in and
 * checks which session repository the application has), the benchmark method and the
 * teardown, and the Redis commands per request the report relies on, counted over 200
 * requests on the application's Lettuce client (in all, and before the response) and in
 * Redis's {@code INFO commandstats}: none without a session, two with redisboot's repository
 * ({@code HGETALL} and one {@code EVALSHA}), four before the response and six in all with
 * Spring Session's.
 */
class SessionBenchmarkTests {

	private static final int REQUESTS = 200;

	@Test
	void noSessionSendsNoCommand() {
		SessionBenchmark benchmark = start("no-session");
		try {
			assertThat(benchmark.request()).isEqualTo("ok");
			Commands commands = benchmark.countCommands(REQUESTS);
			assertThat(commands.sent()).as("commands sent").isEmpty();
			assertThat(commands.sentBeforeResponse()).isEmpty();
			assertThat(commands.roundTrips()).as("round trips").isZero();
			assertThat(commands.server()).as("commands Redis ran").isEmpty();
			assertThat(commands.unwritten()).isZero();
		}
		finally {
			benchmark.tearDown();
		}
	}

	@Test
	void redisbootReadsWithHgetallAndWritesWithOneScript() {
		SessionBenchmark benchmark = start("redisboot");
		try {
			assertThat(benchmark.sessionRepository()).isInstanceOf(RedisbootSessionRepository.class);
			assertThat(benchmark.request()).isEqualTo(SessionBenchmark.USER.name());
			Commands commands = benchmark.countCommands(REQUESTS);
			// HGETALL, then EVALSHA when Spring Session's filter saves the session as the response is committed.
			// The filter's second commit, after the response, finds the session in the request scope: no command.
			Map<String, Long> expected = Map.of("hgetall", 1L * REQUESTS, "evalsha", 1L * REQUESTS);
			assertThat(commands.sentBeforeResponse()).as("commands sent before the response").isEqualTo(expected);
			assertThat(commands.sent()).as("commands sent").isEqualTo(expected);
			assertThat(commands.sentPerRequest()).as("commands per request").isEqualTo(2.0);
			assertThat(commands.roundTripsPerRequest()).as("round trips per request").isEqualTo(2.0);
			assertThat(commands.unwritten()).isZero();
			// Redis counts the commands the script runs, too: the existence (and type) check, the write and the expiry
			assertThat(commands.server()).as("commands Redis ran")
				.isEqualTo(Map.of("hgetall", 1L * REQUESTS, "evalsha", 1L * REQUESTS, "type", 1L * REQUESTS, "hset",
						1L * REQUESTS, "pexpire", 1L * REQUESTS));
			// Spring MVC's flash maps ask for the session whenever the cookie comes with the request
			Commands plain = benchmark.commandsOfPlainWithCookie(REQUESTS);
			assertThat(plain.sent()).as("commands sent by GET /plain with the cookie").isEqualTo(commands.sent());
			assertThat(plain.sentBeforeResponse()).isEqualTo(commands.sentBeforeResponse());
		}
		finally {
			benchmark.tearDown();
		}
	}

	@Test
	void springSessionNeedsFourRoundTripsBeforeTheResponse() {
		SessionBenchmark benchmark = start("spring-session");
		try {
			assertThat(benchmark.sessionRepository()).isInstanceOf(RedisSessionRepository.class);
			assertThat(benchmark.request()).isEqualTo(SessionBenchmark.USER.name());
			Commands commands = benchmark.countCommands(REQUESTS);
			// Before the response: HGETALL, then EXISTS, HMSET and PEXPIREAT on save. After it, the filter's second
			// commit reads the session again and checks that it exists (HGETALL, EXISTS; nothing to write).
			Map<String, Long> expected = Map.of("hgetall", 2L * REQUESTS, "exists", 2L * REQUESTS, "hmset",
					1L * REQUESTS, "pexpireat", 1L * REQUESTS);
			assertThat(commands.sentBeforeResponse()).as("commands sent before the response")
				.isEqualTo(Map.of("hgetall", 1L * REQUESTS, "exists", 1L * REQUESTS, "hmset", 1L * REQUESTS, "pexpireat",
						1L * REQUESTS));
			assertThat(commands.sent()).as("commands sent").isEqualTo(expected);
			assertThat(commands.sentPerRequest()).as("commands per request").isEqualTo(6.0);
			assertThat(commands.roundTripsPerRequest()).as("round trips per request").isEqualTo(6.0);
			assertThat(commands.unwritten()).isZero();
			assertThat(commands.server()).as("commands Redis ran, no script").isEqualTo(expected);
		}
		finally {
			benchmark.tearDown();
		}
	}

	private static SessionBenchmark start(String scenario) {
		SessionBenchmark benchmark = new SessionBenchmark();
		benchmark.scenario = scenario;
		benchmark.setUp();
		return benchmark;
	}

}

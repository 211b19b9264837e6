package dev.redisboot.benchmarks;

import java.util.Map;

import dev.redisboot.session.ReactiveRedisbootSessionRepository;
import dev.redisboot.session.RedisbootSessionRepository;
import org.junit.jupiter.api.Test;

import org.springframework.session.data.redis.ReactiveRedisSessionRepository;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of {@link ReactiveSessionBenchmark}: each scenario's trial setup (which checks
 * the application's session repository), the benchmark method, the teardown, and the Redis
 * commands per request the report relies on, from {@code INFO commandstats}: the reactive
 * path runs the servlet path's {@code HGETALL} and {@code EVALSHA} (and the script's
 * {@code TYPE}, {@code HSET} and {@code PEXPIRE} inside Redis), nothing else.
 */
class ReactiveSessionBenchmarkTests {

	private static final int REQUESTS = 200;

	@Test
	void theReactivePathRunsTheServletPathsCommands() {
		Map<String, Double> servlet = commands("servlet", RedisbootSessionRepository.class);
		Map<String, Double> webflux = commands("webflux", ReactiveRedisbootSessionRepository.class);
		Map<String, Double> expected = Map.of("hgetall", 1.0, "evalsha", 1.0, "type", 1.0, "hset", 1.0, "pexpire", 1.0,
				"total", 5.0);
		assertThat(servlet).isEqualTo(expected);
		assertThat(webflux).isEqualTo(expected);
	}

	@Test
	void springSessionsReactiveRepositoryIsTheOtherBaseline() {
		Map<String, Double> commands = commands("spring-session-webflux", ReactiveRedisSessionRepository.class);
		assertThat(commands).containsKey("hgetall").containsKey("total");
	}

	private Map<String, Double> commands(String scenario, Class<?> repository) {
		ReactiveSessionBenchmark benchmark = new ReactiveSessionBenchmark();
		benchmark.scenario = scenario;
		benchmark.setUp();
		try {
			assertThat(benchmark.sessionRepository()).isInstanceOf(repository);
			assertThat(benchmark.oneThread()).isEqualTo(SessionBenchmark.USER.name());
			return benchmark.countCommands(REQUESTS);
		}
		finally {
			benchmark.tearDown();
		}
	}

}

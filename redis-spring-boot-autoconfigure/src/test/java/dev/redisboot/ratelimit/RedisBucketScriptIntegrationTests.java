package dev.redisboot.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.core.RedisKeyNamer;
import dev.redisboot.core.redis.LettuceCommands;
import dev.redisboot.core.redis.RedisCircuitBreaker;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The decision script ({@code decide.lua}) on a server of its own: what Redis counts per
 * decision under concurrency, greedy and intervally refill from the server's clock, several
 * limits, and limits that come from the rule, never from Redis.
 */
class RedisBucketScriptIntegrationTests {

	private static StandaloneRedis redis;

	private static LettuceConnectionFactory connectionFactory;

	private static RedisBucketScript script;

	@BeforeAll
	static void start() {
		redis = StandaloneRedis.start();
		connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
		script = new RedisBucketScript(new LettuceCommands(connectionFactory, Duration.ofSeconds(10)));
	}

	@AfterAll
	static void stop() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@ParameterizedTest(name = "{0} threads")
	@ValueSource(ints = { 16, 64 })
	void atMostOneScriptCallPerDecisionOnOneHotBucketAndExactlyTheCapacityAllowed(int threads) throws Exception {
		RateLimiter limiter = new RateLimiter(new LettuceCommands(connectionFactory, Duration.ofSeconds(10)),
				new RedisKeyNamer(newPrefix()), KeyDigester.unkeyed(),
				new RedisCircuitBreaker(3, Duration.ofSeconds(5), Clock.systemUTC()), RateLimitMetrics.NONE);
		RateLimitRule rule = rule(List.of(Limit.of(300, Duration.ofHours(1)), Limit.of(1000, Duration.ofDays(1))));
		limiter.consume(rule, "ip=10.0.0.1", null); // the script loaded: EVALSHA from here on
		int decisionsPerThread = 640 / threads;
		redis.node().execute("CONFIG", "RESETSTAT");
		AtomicInteger allowed = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < decisionsPerThread; i++) {
						RateLimitDecision decision = limiter.consume(rule, "ip=10.0.0.1", null);
						assertThat(decision.source()).isEqualTo(RateLimitDecision.Source.REDIS);
						if (decision.allowed()) {
							allowed.incrementAndGet();
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(2, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}
		Map<String, Long> calls = commandCalls();
		assertThat(allowed.get()).as("the capacity less the first decision, never more").isEqualTo(299);
		long decisions = (long) threads * decisionsPerThread;
		// at most one EVALSHA per decision from the client (fewer when concurrent decisions were batched);
		// Redis counts the script's own commands too, once per run
		long scripts = calls.getOrDefault("evalsha", 0L);
		assertThat(scripts).as("script calls for %d decisions", decisions).isBetween(1L, decisions);
		assertThat(calls).as("commands Redis ran for %d decisions", decisions)
			.isEqualTo(Map.of("evalsha", scripts, "time", scripts, "get", scripts, "set", scripts));
	}

	@Test
	void aBatchAllowsItsFirstRequestsWhileEveryLimitHasOneLeft() {
		byte[] key = newKey();
		List<Limit> limits = List.of(Limit.of(5, Duration.ofHours(1)), new Limit(3, Duration.ofDays(1),
				Limit.Refill.INTERVALLY));
		RedisBucketScript.Batch batch = script.call(key, limits, 4);
		assertThat(batch.allowed()).isEqualTo(3);
		assertThat(batch.remaining()).isZero();
		assertThat(batch.millisUntilAllowed()).as("the end of the day window").isPositive();
		assertThat(script.call(key, limits, 1).allowed()).as("the day limit is used up").isZero();
		byte[] greedy = newKey();
		assertThat(script.call(greedy, List.of(Limit.of(5, Duration.ofHours(1))), 4).remaining()).isEqualTo(1);
		RedisBucketScript.Batch next = script.call(greedy, List.of(Limit.of(5, Duration.ofHours(1))), 4);
		assertThat(next.allowed()).as("4 of 5 taken: 1 left").isEqualTo(1);
		assertThat(next.remaining()).isZero();
		assertThat(next.millisUntilAllowed()).as("one request back every 12 minutes")
			.isCloseTo(Duration.ofMinutes(12).toMillis(), within(2000L));
		assertThat(script.call(newKey(), limits, 2)).satisfies((fresh) -> {
			assertThat(fresh.allowed()).isEqualTo(2);
			assertThat(fresh.remaining()).isEqualTo(1);
			assertThat(fresh.millisUntilAllowed()).isZero();
		});
	}

	@Test
	void severalLimitsTakeFromAllOrNoneAndReportTheLeastRemaining() {
		byte[] key = newKey();
		List<Limit> limits = List.of(Limit.of(5, Duration.ofHours(1)), Limit.of(3, Duration.ofDays(1)));
		RedisBucketScript.Outcome first = script.consume(key, limits);
		assertThat(first.allowed()).isTrue();
		assertThat(first.remaining()).isEqualTo(2);
		assertThat(first.millisUntilFull()).as("the day limit's share of a day").isCloseTo(
				Duration.ofDays(1).toMillis() / 3, within(1000L));
		script.consume(key, limits);
		script.consume(key, limits);
		RedisBucketScript.Outcome rejected = script.consume(key, limits);
		assertThat(rejected.allowed()).isFalse();
		assertThat(rejected.millisUntilAllowed()).as("until the day limit has one request back")
			.isCloseTo(Duration.ofDays(1).toMillis() / 3, within(1000L));
		// the rejected request took nothing from the hour limit: 3 used of 5
		RedisBucketScript.Outcome hourOnly = script.consume(key, List.of(Limit.of(5, Duration.ofHours(1)), Limit.of(4,
				Duration.ofDays(1))));
		assertThat(hourOnly.allowed()).isTrue();
		assertThat(hourOnly.remaining()).isZero();
		assertThat(hourOnly.badStateReplaced()).isFalse();
	}

	@Test
	void greedyRefillGivesRequestsBackOneByOneByTheServersClock() {
		byte[] key = newKey();
		Limit limit = Limit.of(10, Duration.ofHours(1)); // one request back every 6 minutes
		long now = serverMillis();
		// empty (debt = capacity x period) as of 9 minutes ago: one and a half requests back since
		long debt = 10 * Duration.ofHours(1).toMillis();
		redis.node().execute("SET", string(key), "rl1 " + (now - Duration.ofMinutes(9).toMillis()) + " g" + debt + " .");
		RedisBucketScript.Outcome outcome = script.consume(key, List.of(limit));
		assertThat(outcome.allowed()).isTrue();
		assertThat(outcome.remaining()).isZero();
		assertThat(outcome.badStateReplaced()).isFalse();
		assertThat(script.consume(key, List.of(limit)).allowed()).isFalse();
	}

	@Test
	void intervallyRefillGivesTheWholeCapacityBackAtTheEndOfAWindow() {
		byte[] key = newKey();
		Limit limit = new Limit(3, Duration.ofMinutes(1), Limit.Refill.INTERVALLY);
		long now = serverMillis();
		// all used in a window that began 50 s ago, then in one that ended 0.5 s ago
		redis.node().execute("SET", string(key), "rl1 " + now + " i" + (now - 50_000) + ",3 .");
		RedisBucketScript.Outcome rejected = script.consume(key, List.of(limit));
		assertThat(rejected.allowed()).isFalse();
		assertThat(rejected.millisUntilAllowed()).as("until the window ends").isBetween(1L, 10_000L);
		redis.node().execute("SET", string(key), "rl1 " + now + " i" + (now - 120_500) + ",3 .");
		RedisBucketScript.Outcome allowed = script.consume(key, List.of(limit));
		assertThat(allowed.allowed()).isTrue();
		assertThat(allowed.remaining()).as("the whole capacity back, one used").isEqualTo(2);
		assertThat(allowed.millisUntilFull()).as("the end of the current window").isBetween(30_000L, 59_500L);
	}

	@Test
	void limitsComeFromTheRuleSoALoweredLimitAppliesToALiveBucketAndRedisCannotRaiseOne() {
		byte[] key = newKey();
		for (int i = 0; i < 3; i++) {
			assertThat(script.consume(key, List.of(Limit.of(10, Duration.ofHours(1)))).allowed()).isTrue();
		}
		RedisBucketScript.Outcome lowered = script.consume(key, List.of(Limit.of(4, Duration.ofHours(1))));
		assertThat(lowered.allowed()).isTrue();
		assertThat(lowered.remaining()).as("3 of 4 used before, then one more").isZero();
		assertThat(script.consume(key, List.of(Limit.of(4, Duration.ofHours(1)))).allowed()).isFalse();
		// someone with write access empties the debt: the bucket is full, and full is the rule's capacity
		redis.node().execute("SET", string(key), "rl1 " + serverMillis() + " g0 .");
		int allowed = 0;
		while (script.consume(key, List.of(Limit.of(4, Duration.ofHours(1)))).allowed()) {
			allowed++;
			assertThat(allowed).isLessThan(100);
		}
		assertThat(allowed).isEqualTo(4);
	}

	@Test
	void aStateOfOtherLimitsStartsAfreshWithoutCountingAsBadState() {
		byte[] key = newKey();
		script.consume(key, List.of(Limit.of(10, Duration.ofHours(1))));
		RedisBucketScript.Outcome outcome = script.consume(key,
				List.of(Limit.of(10, Duration.ofHours(1)), new Limit(5, Duration.ofMinutes(1), Limit.Refill.INTERVALLY)));
		assertThat(outcome.allowed()).isTrue();
		assertThat(outcome.remaining()).isEqualTo(4);
		assertThat(outcome.badStateReplaced()).isFalse();
	}

	@Test
	void aStateFromTheFutureRefillsNothingAndIsNotBad() {
		byte[] key = newKey();
		long debt = 2 * Duration.ofHours(1).toMillis(); // 2 of 3 used
		redis.node().execute("SET", string(key), "rl1 " + (serverMillis() + 3_600_000) + " g" + debt + " .");
		RedisBucketScript.Outcome outcome = script.consume(key, List.of(Limit.of(3, Duration.ofHours(1))));
		assertThat(outcome.allowed()).isTrue();
		assertThat(outcome.remaining()).isZero();
		assertThat(outcome.badStateReplaced()).isFalse();
	}

	private static RateLimitRule rule(List<Limit> limits) {
		return new RateLimitRule("hot", List.of(), Set.of(), ClientKeyResolver.ip(), "ip",
				RateLimitRule.MissingKey.DENY, limits, Map.of(), RateLimitRule.RedisFailureAction.DENY, true,
				RateLimitRule.Stage.BEFORE_AUTHENTICATION);
	}

	private static Map<String, Long> commandCalls() {
		Object info = redis.node().execute("INFO", "commandstats");
		String text = (info instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(info);
		Map<String, Long> calls = new java.util.HashMap<>();
		for (String line : text.split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String name = line.substring("cmdstat_".length(), line.indexOf(':'));
				String value = line.substring(line.indexOf("calls=") + 6);
				calls.put(name, Long.parseLong(value.substring(0, value.indexOf(','))));
			}
		}
		calls.keySet().removeIf((name) -> name.startsWith("config") || name.startsWith("info"));
		return calls;
	}

	private static long serverMillis() {
		List<?> time = (List<?>) redis.node().execute("TIME");
		return Long.parseLong(string(time.get(0))) * 1000 + Long.parseLong(string(time.get(1))) / 1000;
	}

	private static String string(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	private static byte[] newKey() {
		return ("t:rl:{" + UUID.randomUUID() + "}").getBytes(StandardCharsets.UTF_8);
	}

	private static String newPrefix() {
		return "t" + UUID.randomUUID().toString().substring(0, 8);
	}

}

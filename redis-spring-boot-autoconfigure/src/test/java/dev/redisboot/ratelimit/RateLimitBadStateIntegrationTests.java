package dev.redisboot.ratelimit;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import dev.redisboot.test.RedisNode;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults in the bucket key family, with real HTTP requests through the filter (rule
 * {@code burst}, {@code GET /api/hello}) and through {@code @RateLimited} (rule
 * {@code reset}, {@code POST /api/reset/{email}}): bad state (garbage bytes, a truncated or
 * inconsistent state, other Redis types), keys deleted under concurrent requests, keys the
 * application's ACL user may not touch and scripts it may not run. Every case: no 5xx (or the
 * rule's on-redis-failure answer), a bounded number of log lines without stack traces,
 * {@code result=error} counted, and a correct bucket again without a restart.
 * <p>
 * On a server of its own, where the application connects as an ACL user with what managed
 * Redis services grant ({@code +@all -@dangerous ~* &*}), changed by the tests.
 */
@WithRedis
@ExtendWith(OutputCaptureExtension.class)
class RateLimitBadStateIntegrationTests {

	private static final String EMAIL = "ann@example.com";

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

	@BeforeEach
	void grantWhatManagedRedisGrants() {
		redis.node().execute("ACL", "SETUSER", "app", "reset", "on", ">app-secret", "~*", "&*", "+@all", "-@dangerous");
	}

	private static ConfigurableApplicationContext start(String prefix, String... extra) {
		List<String> properties = new ArrayList<>(List.of("spring.data.redis.username=app",
				"spring.data.redis.password=app-secret", "redisboot.rate-limit.timeout=5s"));
		properties.addAll(List.of(extra));
		return RateLimitInstances.start(redis, prefix, properties.toArray(String[]::new));
	}

	static Stream<Arguments> badStates() {
		return Stream.of(Arguments.of("text that is no bucket state", (BiConsumer<RedisNode, String>) (node,
				key) -> setBytes(node, key, "not a bucket".getBytes(StandardCharsets.UTF_8))),
				Arguments.of("binary garbage", (BiConsumer<RedisNode, String>) (node, key) -> setBytes(node, key,
						HexFormat.of().parseHex("ff00fe01fd02fc03fb04fa05f906f807"))),
				Arguments.of("a truncated state", (BiConsumer<RedisNode, String>) (node, key) -> {
					byte[] state = getBytes(node, key);
					setBytes(node, key, Arrays.copyOf(state, state.length - 3));
				}),
				Arguments.of("an empty string", (BiConsumer<RedisNode, String>) (node, key) -> setBytes(node, key,
						new byte[0])),
				Arguments.of("a state with numbers Lua would misread (hex, exponent, inf, nan, negative)",
						(BiConsumer<RedisNode, String>) (node, key) -> setBytes(node, key,
								"rl1 0x10 g1e300".getBytes(StandardCharsets.UTF_8))),
				Arguments.of("a state with a negative debt", (BiConsumer<RedisNode, String>) (node, key) -> setBytes(
						node, key, "rl1 1 g-999999999999".getBytes(StandardCharsets.UTF_8))),
				Arguments.of("a state with a number too long to be exact", (BiConsumer<RedisNode, String>) (node,
						key) -> setBytes(node, key, ("rl1 1 g" + "9".repeat(40)).getBytes(StandardCharsets.UTF_8))),
				Arguments.of("a huge value", (BiConsumer<RedisNode, String>) (node, key) -> setBytes(node, key,
						("rl1 1 " + "g0 ".repeat(100_000)).getBytes(StandardCharsets.UTF_8))),
				Arguments.of("a list", wrongType("RPUSH", "x")), Arguments.of("a hash", wrongType("HSET", "f", "v")),
				Arguments.of("a set", wrongType("SADD", "x")), Arguments.of("a sorted set", wrongType("ZADD", "1", "x")),
				Arguments.of("a stream", wrongType("XADD", "*", "f", "v")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badStates")
	void badStateInABucketKeyIsReplacedByAFreshBucket(String description, BiConsumer<RedisNode, String> corrupt,
			CapturedOutput output) {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext app = start(prefix)) {
			// the filter: 5 of 20 used
			for (int i = 0; i < 5; i++) {
				assertThat(RateLimitInstances.get(app, "/api/hello").statusCode()).isEqualTo(200);
			}
			corrupt.accept(redis.node(), bucketKey(prefix, "burst"));
			HttpResponse<String> first = RateLimitInstances.get(app, "/api/hello");
			assertThat(first.statusCode()).as(description).isEqualTo(200);
			assertThat(first.headers().firstValue("RateLimit").orElseThrow()).as("a fresh bucket")
				.startsWith("\"burst\";r=19;");
			assertThat(allowedInARow(app, "GET", "/api/hello")).as("the fresh bucket holds exactly its capacity")
				.isEqualTo(19);
			assertThat(redis.node().execute("TYPE", bucketKey(prefix, "burst"))).hasToString("string");
			assertThat(AbstractRateLimitIntegrationTests.count(app, "burst", "error")).isEqualTo(1);
			assertThat(AbstractRateLimitIntegrationTests.count(app, "burst", "allowed")).isEqualTo(5 + 19);
			assertThat(AbstractRateLimitIntegrationTests.count(app, "burst", "rejected")).isEqualTo(1);

			// @RateLimited: 1 of 2 used
			assertThat(RateLimitInstances.send(app, "POST", "/api/reset/" + EMAIL).statusCode()).isEqualTo(200);
			corrupt.accept(redis.node(), bucketKey(prefix, "reset"));
			assertThat(allowedInARow(app, "POST", "/api/reset/" + EMAIL)).as(description + ": a fresh bucket of 2")
				.isEqualTo(2);
			assertThat(AbstractRateLimitIntegrationTests.count(app, "reset", "error")).isEqualTo(1);
			assertThat(AbstractRateLimitIntegrationTests.count(app, "reset", "rejected")).isEqualTo(1);
		}
		assertBoundedLogs(output, 2);
		assertThat(output).doesNotContain(EMAIL).contains("held no usable bucket state");
	}

	@Test
	void keysDeletedUnderConcurrentRequestsNeverFailARequestAndTheLimitHoldsAfterwards(CapturedOutput output)
			throws Exception {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = start(prefix, "redisboot.rate-limit.rules[0].limits[0].capacity=50",
				"redisboot.rate-limit.rules[4].limits[0].capacity=50");
				ConfigurableApplicationContext b = start(prefix, "redisboot.rate-limit.rules[0].limits[0].capacity=50",
						"redisboot.rate-limit.rules[4].limits[0].capacity=50")) {
			RateLimitInstances.get(a, "/api/hello");
			RateLimitInstances.send(a, "POST", "/api/reset/" + EMAIL);
			List<String> keys = List.of(bucketKey(prefix, "burst"), bucketKey(prefix, "reset"));
			AtomicBoolean running = new AtomicBoolean(true);
			AtomicInteger deletions = new AtomicInteger();
			Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
			int threads = 16;
			int requestsPerThread = 20;
			ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
			try {
				CountDownLatch start = new CountDownLatch(1);
				Future<?> deleter = pool.submit(() -> {
					start.await();
					while (running.get()) {
						redis.node().execute("DEL", keys.get(0), keys.get(1));
						deletions.incrementAndGet();
					}
					return null;
				});
				List<Future<?>> clients = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					ConfigurableApplicationContext instance = (t % 2 == 0) ? a : b;
					boolean annotated = t % 4 >= 2;
					clients.add(pool.submit(() -> {
						start.await();
						for (int i = 0; i < requestsPerThread; i++) {
							int status = annotated
									? RateLimitInstances.send(instance, "POST", "/api/reset/" + EMAIL).statusCode()
									: RateLimitInstances.get(instance, "/api/hello").statusCode();
							statuses.computeIfAbsent(status, (s) -> new AtomicInteger()).incrementAndGet();
						}
						return null;
					}));
				}
				start.countDown();
				for (Future<?> client : clients) {
					client.get(120, TimeUnit.SECONDS);
				}
				running.set(false);
				deleter.get(30, TimeUnit.SECONDS);
			}
			finally {
				running.set(false);
				pool.shutdownNow();
			}
			assertThat(deletions.get()).as("keys were deleted while requests ran").isPositive();
			assertThat(statuses.keySet()).as("statuses").isSubsetOf(200, 429).contains(200);
			double decisions = 0;
			for (ConfigurableApplicationContext instance : List.of(a, b)) {
				for (String rule : List.of("burst", "reset")) {
					assertThat(AbstractRateLimitIntegrationTests.count(instance, rule, "error"))
						.as("a deleted bucket is an expired one: no error").isZero();
					decisions += AbstractRateLimitIntegrationTests.count(instance, rule, "allowed")
							+ AbstractRateLimitIntegrationTests.count(instance, rule, "rejected");
				}
			}
			assertThat(decisions).isEqualTo(2 + threads * requestsPerThread);

			// afterwards, a deleted bucket is a fresh and exact one on both instances
			redis.node().execute("DEL", keys.get(0), keys.get(1));
			int allowed = 0;
			for (int i = 0; i < 60; i++) {
				if (RateLimitInstances.get((i % 2 == 0) ? a : b, "/api/hello").statusCode() == 200) {
					allowed++;
				}
			}
			assertThat(allowed).isEqualTo(50);
			assertThat(allowedInARow(b, "POST", "/api/reset/" + EMAIL)).isEqualTo(50);
		}
		assertBoundedLogs(output, 0);
	}

	@Test
	void anAclUserWhoseKeyPatternExcludesBucketKeysGetsEachRulesFailureModeAndRecovers(CapturedOutput output) {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext app = start(prefix)) {
			assertThat(RateLimitInstances.get(app, "/api/hello").statusCode()).isEqualTo(200);
			redis.node().execute("ACL", "SETUSER", "app", "resetkeys", "~tight:*", "resetchannels", "&tight:*");
			assertFailureModesAndRecovery(app, prefix, output, () -> redis.node()
				.execute("ACL", "SETUSER", "app", "resetkeys", "~*", "resetchannels", "&*"), "NOPERM");
		}
	}

	@Test
	void anAclUserWhoMayNotRunScriptsGetsEachRulesFailureModeAndRecovers(CapturedOutput output) {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext app = start(prefix)) {
			assertThat(RateLimitInstances.get(app, "/api/hello").statusCode()).isEqualTo(200);
			redis.node().execute("ACL", "SETUSER", "app", "-evalsha", "-eval");
			assertFailureModesAndRecovery(app, prefix, output,
					() -> redis.node().execute("ACL", "SETUSER", "app", "+evalsha", "+eval"), "NOPERM");
		}
	}

	private static void assertFailureModesAndRecovery(ConfigurableApplicationContext app, String prefix,
			CapturedOutput output, Runnable fix, String reply) {
		for (int round = 0; round < 5; round++) {
			assertThat(RateLimitInstances.get(app, "/api/outage/allow").statusCode()).as("allow").isEqualTo(200);
			HttpResponse<String> denied = RateLimitInstances.get(app, "/api/outage/deny");
			assertThat(denied.statusCode()).as("deny").isEqualTo(503);
			assertThat(denied.body()).contains("\"rule\":\"outage-deny\"");
		}
		// local: in-JVM buckets with the rules' limits, through the filter and @RateLimited
		assertThat(allowedInARow(app, "GET", "/api/outage/local")).isEqualTo(2);
		assertThat(allowedInARow(app, "POST", "/api/reset/" + EMAIL)).isEqualTo(2);
		assertThat(AbstractRateLimitIntegrationTests.count(app, "outage-allow", "error")).isEqualTo(5);
		assertThat(AbstractRateLimitIntegrationTests.count(app, "outage-deny", "error")).isEqualTo(5);
		assertThat(AbstractRateLimitIntegrationTests.count(app, "outage-local", "error")).isEqualTo(3);
		assertThat(AbstractRateLimitIntegrationTests.count(app, "reset", "error")).isEqualTo(3);
		assertThat(output).contains(reply).doesNotContain(EMAIL);
		assertBoundedLogs(output, 4);

		fix.run();
		// back in Redis without a restart: the Redis buckets are untouched and full
		assertThat(allowedInARow(app, "GET", "/api/outage/deny")).isEqualTo(2);
		assertThat(allowedInARow(app, "POST", "/api/reset/" + EMAIL)).isEqualTo(2);
		assertThat(AbstractRateLimitIntegrationTests.count(app, "outage-deny", "allowed")).isEqualTo(2);
		assertThat(AbstractRateLimitIntegrationTests.count(app, "reset", "allowed")).isEqualTo(2);
		assertThat(AbstractRateLimitIntegrationTests.count(app, "outage-deny", "error")).isEqualTo(5);
		assertThat(redis.node().execute("EXISTS", bucketKey(prefix, "outage-deny"))).isEqualTo(1L);
	}

	/**
	 * At most {@code warnings} WARN lines of the limiter, and no stack trace of rate limiting
	 * or Bucket4j.
	 */
	private static void assertBoundedLogs(CapturedOutput output, int warnings) {
		List<String> lines = output.getAll().lines().toList();
		assertThat(lines.stream().filter((line) -> line.contains(" WARN ") && line.contains("RateLimiter")).count())
			.as("warnings of the limiter").isLessThanOrEqualTo(warnings);
		assertThat(lines).noneMatch((line) -> line.contains("at dev.redisboot.ratelimit")
				|| line.contains("at io.github.bucket4j") || line.contains("ERROR"));
	}

	private static int allowedInARow(ConfigurableApplicationContext app, String method, String path) {
		int allowed = 0;
		while (true) {
			int status = RateLimitInstances.send(app, method, path).statusCode();
			if (status != 200) {
				assertThat(status).as("the first request not allowed").isEqualTo(429);
				return allowed;
			}
			allowed++;
			assertThat(allowed).isLessThan(200);
		}
	}

	private static String newPrefix() {
		return "bad-" + UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * The one bucket key of a rule under a prefix.
	 */
	static String bucketKey(String prefix, String rule) {
		Object keys = redis.node().execute("KEYS", prefix + ":rl:{" + rule + ":*");
		List<String> names = ((List<?>) keys).stream()
			.map((key) -> (key instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : key.toString())
			.toList();
		assertThat(names).as("bucket keys of " + rule).hasSize(1);
		return names.get(0);
	}

	private static BiConsumer<RedisNode, String> wrongType(String command, String... arguments) {
		return (node, key) -> {
			node.execute("DEL", key);
			String[] args = new String[arguments.length + 2];
			args[0] = command;
			args[1] = key;
			System.arraycopy(arguments, 0, args, 2, arguments.length);
			node.execute(args);
		};
	}

	static void setBytes(RedisNode node, String key, byte[] value) {
		node.execute("EVAL", """
				local hex, out = ARGV[1], {}
				for i = 1, #hex, 2 do out[#out + 1] = string.char(tonumber(string.sub(hex, i, i + 1), 16)) end
				return redis.call('set', KEYS[1], table.concat(out), 'keepttl')
				""", "1", key, HexFormat.of().formatHex(value));
	}

	static byte[] getBytes(RedisNode node, String key) {
		Object hex = node.execute("EVAL", """
				local v = redis.call('get', KEYS[1])
				return (string.gsub(v, '.', function(c) return string.format('%02x', string.byte(c)) end))
				""", "1", key);
		String text = (hex instanceof byte[] bytes) ? new String(bytes, StandardCharsets.US_ASCII) : String.valueOf(hex);
		return HexFormat.of().parseHex(text);
	}

}

package dev.redisboot.actuate;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import dev.redisboot.core.RedisUsage;
import dev.redisboot.core.RedisUsage.Kind;
import dev.redisboot.test.RedisBackend;
import dev.redisboot.test.StandaloneRedis;
import dev.redisboot.test.WithRedis;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static dev.redisboot.actuate.ObservabilityTestSupport.runner;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Each advice rule of the {@code redis} endpoint fires on a server set up to break it and
 * stays silent on a clean one. Every test has a server of its own, set up with
 * {@code CONFIG SET}.
 */
@WithRedis
class RedisAdviceIntegrationTests {

	@Test
	void aCleanServerGetsNoAdvice() {
		withServer((redis) -> {
			clean(redis);
			assertThat(advice(redis, Kind.CACHE, Kind.SESSIONS, Kind.JOBS, Kind.LOCKS, Kind.RATE_LIMITS)).isEmpty();
			// caches alone want an eviction policy
			redis.node().execute("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
			assertThat(advice(redis, Kind.CACHE)).isEmpty();
		});
	}

	@Test
	void maxmemoryUnsetWithCaches() {
		withServer((redis) -> {
			clean(redis);
			redis.node().execute("CONFIG", "SET", "maxmemory", "0");
			assertThat(advice(redis, Kind.CACHE)).singleElement().satisfies((advice) -> {
				assertThat(advice.rule()).isEqualTo("maxmemory-unset");
				assertThat(advice.severity()).isEqualTo(RedisAdvice.Severity.WARNING);
				assertThat(advice.nodes()).containsExactly(redis.host() + ":" + redis.port());
				assertThat(advice.message()).contains("holds cache").contains("allkeys-lru");
			});
			// every eviction policy would evict some of what shares the server: noeviction, or caches apart
			for (Kind shared : List.of(Kind.SESSIONS, Kind.JOBS, Kind.LOCKS, Kind.RATE_LIMITS)) {
				assertThat(advice(redis, Kind.CACHE, shared)).singleElement()
					.satisfies((advice) -> assertThat(advice.message())
						.contains("keep maxmemory-policy noeviction", "a separate Redis for caches")
						.doesNotContain("volatile-lru"));
			}
			// without caches, a server without a memory limit is no concern of these rules
			assertThat(advice(redis, Kind.RATE_LIMITS)).isEmpty();
		});
	}

	@Test
	void noevictionWithCaches() {
		withServer((redis) -> {
			clean(redis);
			redis.node().execute("CONFIG", "SET", "maxmemory-policy", "noeviction");
			assertThat(rules(redis, Kind.CACHE)).containsExactly("noeviction-with-caches");
			assertThat(rules(redis, Kind.SESSIONS)).isEmpty();
			// shared with data that must not be evicted, noeviction is the advice, not a problem
			assertThat(rules(redis, Kind.CACHE, Kind.LOCKS)).isEmpty();
		});
	}

	@Test
	void evictionPoliciesThatWouldDropSessionsJobsLocksOrRateLimits() {
		withServer((redis) -> {
			clean(redis);
			redis.node().execute("CONFIG", "SET", "maxmemory-policy", "volatile-lru");
			assertThat(advice(redis, Kind.CACHE, Kind.SESSIONS, Kind.JOBS, Kind.LOCKS, Kind.RATE_LIMITS)).singleElement()
				.satisfies((advice) -> {
					assertThat(advice.rule()).isEqualTo("eviction-drops-data");
					assertThat(advice.severity()).isEqualTo(RedisAdvice.Severity.WARNING);
					assertThat(advice.nodes()).containsExactly(redis.host() + ":" + redis.port());
					assertThat(advice.message()).contains("volatile-lru", "any key with a TTL",
							"HTTP sessions (users signed out)", "lock keys (a second holder", "rate-limit buckets",
							"job idempotency records", "streams, are kept", "maxmemory-policy noeviction",
							"a separate Redis for caches");
				});
			assertThat(advice(redis, Kind.CACHE)).as("caches alone").isEmpty();
			redis.node().execute("CONFIG", "SET", "maxmemory-policy", "volatile-ttl");
			assertThat(advice(redis, Kind.LOCKS)).singleElement().satisfies((advice) -> {
				assertThat(advice.rule()).isEqualTo("eviction-drops-data");
				assertThat(advice.message()).contains("volatile-ttl", "lock keys")
					.doesNotContain("HTTP sessions", "rate-limit", "separate Redis for caches");
			});
			redis.node().execute("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
			assertThat(advice(redis, Kind.CACHE, Kind.JOBS, Kind.LOCKS)).singleElement()
				.satisfies((advice) -> assertThat(advice.message()).contains("allkeys-lru", "any key",
						"streams, queued and delayed jobs (work lost)", "fencing counters")
					.doesNotContain("are kept"));
			assertThat(advice(redis, Kind.CACHE)).as("caches alone").isEmpty();
			// without a memory limit nothing is evicted: maxmemory-unset speaks for caches
			redis.node().execute("CONFIG", "SET", "maxmemory", "0");
			assertThat(rules(redis, Kind.SESSIONS, Kind.RATE_LIMITS)).isEmpty();
		});
	}

	@Test
	void noPersistenceWithSessionsOrJobs() {
		withServer((redis) -> {
			clean(redis);
			redis.node().execute("CONFIG", "SET", "appendonly", "no");
			redis.node().execute("CONFIG", "SET", "save", "");
			assertThat(rules(redis, Kind.SESSIONS)).containsExactly("no-persistence");
			assertThat(rules(redis, Kind.JOBS)).containsExactly("no-persistence");
			assertThat(rules(redis, Kind.CACHE, Kind.LOCKS, Kind.RATE_LIMITS)).as("nothing to persist").isEmpty();
			// RDB snapshots alone are persistence enough not to be told off
			redis.node().execute("CONFIG", "SET", "save", "3600 1");
			assertThat(rules(redis, Kind.SESSIONS)).isEmpty();
		});
	}

	@Test
	void noPersistenceIsNotGuessedButReportedUncheckedWhenConfigIsRefused() {
		withServer((redis) -> {
			clean(redis);
			redis.node().execute("CONFIG", "SET", "appendonly", "no");
			redis.node().execute("CONFIG", "SET", "save", "");
			redis.node().execute("ACL", "SETUSER", "app", "on", ">app-secret", "~*", "&*", "+@all", "-config");
			ApplicationContextRunner restricted = runner(standalone(redis.host(), redis.port(), "app", "app-secret"));
			assertThat(advice(restricted, Kind.SESSIONS)).singleElement().satisfies((found) -> {
				assertThat(found.rule()).isEqualTo("no-persistence");
				assertThat(found.severity()).isEqualTo(RedisAdvice.Severity.UNCHECKED);
				assertThat(found.message()).startsWith("Could not check")
					.contains("CONFIG GET save failed: NOPERM", "ACL user");
			});
		});
	}

	@Test
	void theEvictionPolicyIsReportedUncheckedWhenInfoIsRefused() {
		withServer((redis) -> {
			clean(redis);
			redis.node().execute("CONFIG", "SET", "maxmemory-policy", "volatile-lru");
			redis.node().execute("ACL", "SETUSER", "app", "on", ">app-secret", "~*", "&*", "+@all", "-info");
			ApplicationContextRunner restricted = runner(standalone(redis.host(), redis.port(), "app", "app-secret"));
			assertThat(advice(restricted, Kind.LOCKS)).singleElement().satisfies((found) -> {
				assertThat(found.rule()).isEqualTo("eviction-drops-data");
				assertThat(found.severity()).isEqualTo(RedisAdvice.Severity.UNCHECKED);
				assertThat(found.message()).startsWith("Could not check maxmemory-policy for locks")
					.contains("INFO failed: NOPERM");
			});
		});
	}

	@Test
	void noPasswordOnANonLoopbackAddress() {
		InetAddress address = nonLoopbackAddress();
		withServerBoundTo(address, (redis) -> {
			clean(redis);
			ApplicationContextRunner exposed = runner(standalone(address.getHostAddress(), redis.port(), null, null));
			assertThat(rules(exposed, Kind.RATE_LIMITS)).containsExactly("no-password");
			// loopback without a password is fine: nobody else can reach it
			assertThat(rules(redis, Kind.RATE_LIMITS)).isEmpty();
			redis.node().execute("CONFIG", "SET", "requirepass", "s3cret");
			ApplicationContextRunner withPassword = runner(
					standalone(address.getHostAddress(), redis.port(), null, "s3cret"));
			assertThat(rules(withPassword, Kind.RATE_LIMITS)).isEmpty();
		});
	}

	@Test
	void keysInTheSlowlog() {
		withServer((redis) -> {
			clean(redis);
			redis.node().execute("CONFIG", "SET", "slowlog-log-slower-than", "0");
			redis.node().execute("SET", "some:key", "1");
			assertThat(rules(redis, Kind.RATE_LIMITS)).isEmpty();
			redis.node().execute("KEYS", "some:*");
			List<RedisAdvice> advice = advice(redis, Kind.RATE_LIMITS);
			assertThat(advice).singleElement().satisfies((found) -> {
				assertThat(found.rule()).isEqualTo("keys-in-slowlog");
				assertThat(found.message()).contains("SCAN");
			});
		});
	}

	private static void clean(StandaloneRedis redis) {
		redis.node().execute("CONFIG", "SET", "maxmemory", "64mb");
		redis.node().execute("CONFIG", "SET", "maxmemory-policy", "noeviction");
		redis.node().execute("CONFIG", "SET", "appendonly", "yes");
		redis.node().execute("SLOWLOG", "RESET");
	}

	private static void withServer(Consumer<StandaloneRedis> test) {
		try (StandaloneRedis redis = StandaloneRedis.start()) {
			test.accept(redis);
		}
	}

	/**
	 * Runs the test on a server listening on a non-loopback address too. The harness picks a
	 * port that is free on loopback; another socket may hold it on the other address, so a
	 * failed bind is retried on a new server.
	 */
	private static void withServerBoundTo(InetAddress address, Consumer<StandaloneRedis> test) {
		RuntimeException last = null;
		for (int attempt = 0; attempt < 5; attempt++) {
			// a local redis-server process, whatever backend the harness would choose: CONFIG SET
			// bind to this machine's address means nothing inside a container (see docs/testing.md)
			try (StandaloneRedis redis = StandaloneRedis.start(RedisBackend.LOCAL)) {
				try {
					redis.node().execute("CONFIG", "SET", "bind", redis.host() + " " + address.getHostAddress());
				}
				catch (RuntimeException ex) {
					last = ex;
					continue;
				}
				test.accept(redis);
				return;
			}
		}
		fail("Could not bind a test Redis to " + address.getHostAddress(), last);
	}

	private static List<String> rules(StandaloneRedis redis, Kind... kinds) {
		return rules(runner(redis), kinds);
	}

	private static List<String> rules(ApplicationContextRunner runner, Kind... kinds) {
		return advice(runner, kinds).stream().map(RedisAdvice::rule).toList();
	}

	private static List<RedisAdvice> advice(StandaloneRedis redis, Kind... kinds) {
		return advice(runner(redis), kinds);
	}

	private static List<RedisAdvice> advice(ApplicationContextRunner runner, Kind... kinds) {
		ApplicationContextRunner withUsages = runner.withPropertyValues("management.endpoints.web.exposure.include=redis");
		for (Kind kind : kinds) {
			withUsages = withUsages.withBean("usage" + kind, RedisUsage.class,
					() -> RedisUsage.of(kind, kind.name().toLowerCase()));
		}
		@SuppressWarnings("unchecked")
		List<RedisAdvice>[] result = new List[1];
		withUsages.run((context) -> {
			assertThat(context).hasNotFailed();
			result[0] = (List<RedisAdvice>) context.getBean(RedisEndpoint.class).section("advice", null, null);
		});
		return result[0];
	}

	private static DataRedisConnectionDetails standalone(String host, int port, @Nullable String username,
			@Nullable String password) {
		return new DataRedisConnectionDetails() {

			@Override
			public @Nullable String getUsername() {
				return username;
			}

			@Override
			public @Nullable String getPassword() {
				return password;
			}

			@Override
			public Standalone getStandalone() {
				return Standalone.of(host, port);
			}

		};
	}

	private static InetAddress nonLoopbackAddress() {
		try {
			for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				if (!network.isUp() || network.isLoopback()) {
					continue;
				}
				for (InetAddress address : Collections.list(network.getInetAddresses())) {
					if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
						return address;
					}
				}
			}
		}
		catch (SocketException ex) {
			return fail("Cannot list network interfaces", ex);
		}
		return fail("The no-password rule needs a non-loopback IPv4 address on this machine to bind a test Redis to;"
				+ " none was found");
	}

}

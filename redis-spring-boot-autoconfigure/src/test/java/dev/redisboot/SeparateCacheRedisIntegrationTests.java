package dev.redisboot;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.redisboot.FailoverTestApplication.Job;
import dev.redisboot.FailoverTestApplication.Jobs;
import dev.redisboot.FailoverTestApplication.Prices;
import dev.redisboot.actuate.BigKeys;
import dev.redisboot.actuate.RedisAdvice;
import dev.redisboot.actuate.RedisEndpoint;
import dev.redisboot.actuate.RedisServerInspector;
import dev.redisboot.actuate.SeparateRedisServerMetrics;
import dev.redisboot.core.autoconfigure.RedisAccessFailureAnalyzer;
import dev.redisboot.stream.JobQueue;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.RedisNode;
import dev.redisboot.test.SentinelRedis;
import dev.redisboot.test.StandaloneRedis;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * An application whose caches have a Redis of their own ({@code redisboot.cache.redis.*})
 * while sessions, rate limits and jobs stay on {@code spring.data.redis.*}: each feature
 * writes only to its server, near-cache invalidation travels on the cache server, health,
 * server metrics and the {@code redis} endpoint cover both, and the advice judges each
 * server by what it holds. The cache server is a TLS server in one test and a server with a
 * least-privilege ACL user in another, the application's server the shared standalone one.
 */
@SuppressWarnings("unchecked")
@ExtendWith(OutputCaptureExtension.class)
class SeparateCacheRedisIntegrationTests {

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@Test
	void cachesWriteOnlyToTheCacheServerAndEverythingElseOnlyToTheApplicationsServer() throws Exception {
		StandaloneRedis application = RedisDeployments.sharedStandalone();
		StandaloneRedis cache = RedisDeployments.sharedTls();
		String prefix = "split-" + UUID.randomUUID().toString().substring(0, 8);
		try (ConfigurableApplicationContext context = start(application, cache, prefix)) {
			Prices prices = context.getBean(Prices.class);
			assertThat(prices.price("1")).isEqualTo("price:1");
			assertThat(prices.price("1")).isEqualTo("price:1");
			assertThat(prices.loads("1")).as("the second call is a hit").isOne();
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpResponse<String> session = this.http.send(HttpRequest
				.newBuilder(URI.create("http://localhost:" + port + "/session?value=v1"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(session.statusCode()).isEqualTo(200);
			HttpResponse<String> limited = this.http.send(HttpRequest
				.newBuilder(URI.create("http://localhost:" + port + "/api/limited"))
				.header("X-Client", "c1")
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(limited.statusCode()).isEqualTo(200);
			context.getBean(JobQueue.class).enqueue(FailoverTestApplication.JOB_TYPE, new Job("j1", false));
			await().atMost(Duration.ofSeconds(10)).until(() -> context.getBean(Jobs.class).ran("j1"));

			List<String> onCache = keys(cache.node(), prefix);
			List<String> onApplication = keys(application.node(), prefix);
			assertThat(onCache).isNotEmpty().allMatch((key) -> key.startsWith(prefix + ":cache:prices"));
			assertThat(onApplication).noneMatch((key) -> key.contains(":cache:"))
				.anyMatch((key) -> key.contains("session"))
				.anyMatch((key) -> key.startsWith(prefix + ":rl:"))
				.anyMatch((key) -> key.contains(prefix + "-jobs"))
				.noneMatch((key) -> key.contains("cache-lock"));
			// the near caches' invalidation channel is subscribed on the cache server only
			String channel = prefix + ":cache:invalidations";
			assertThat(subscribers(cache.node(), channel)).isOne();
			assertThat(subscribers(application.node(), channel)).isZero();

			// health: the application's Redis as before, the cache server as redisServers/cache
			Health cacheHealth = cacheHealth(context);
			assertThat(cacheHealth.getStatus()).isIn(Status.UP, new Status("WARNING"));
			assertThat(cacheHealth.getDetails()).containsEntry("server", "cache");
			assertThat(context.getBean("redisHealthContributor", HealthIndicator.class).health().getDetails())
				.doesNotContainKey("server");
			// server metrics, one set per server
			context.getBean(SeparateRedisServerMetrics.class).refresh();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("redis.up").tag("server", "cache").gauge().value()).isOne();
			assertThat(meters.get("redis.up").tag("server", "default").gauge().value()).isOne();
			// command latency per server: the cache's GET/SET on the cache server, the job consumers' stream
			// reads (and sessions' scripts) on the default
			assertThat(meters.get("redis.client.commands").tag("server", "cache").timers()).isNotEmpty()
				.allSatisfy((timer) -> assertThat(timer.getId().getTag("command")).isNotIn("XADD", "XREADGROUP"));
			assertThat(meters.get("redis.client.commands").tag("server", "default").tag("command", "XREADGROUP").timer()
				.count()).isPositive();
			assertThat(meters.find("redis.client.commands").timers())
				.allSatisfy((timer) -> assertThat(timer.getId().getTag("server")).isIn("cache", "default"));
			// the endpoint: the application's server at the top, the cache server under servers
			Map<String, Object> overview = context.getBean(RedisEndpoint.class).overview();
			assertThat(overview).containsEntry("server", "default");
			assertThat((List<Object>) overview.get("usage")).doesNotContain("caches", "near-cache invalidation");
			Map<?, ?> cacheServer = (Map<?, ?>) ((Map<?, ?>) overview.get("servers")).get("cache");
			assertThat(cacheServer.get("properties")).isEqualTo("redisboot.cache.redis.*");
			assertThat((List<Object>) cacheServer.get("usage")).contains("caches", "near-cache invalidation");
			assertThat((Map<Object, Object>) cacheServer.get("nodes")).containsKey(cache.host() + ":" + cache.clientPort());

			// the caches' entries are counted and measured on the cache server
			RedisEndpoint endpoint = context.getBean(RedisEndpoint.class);
			Map<String, Object> pricesCache = ((List<Map<String, Object>>) endpoint.section("caches", null, null))
				.stream()
				.filter((cacheStats) -> "prices".equals(cacheStats.get("name")))
				.findFirst()
				.orElseThrow();
			assertThat((Map<String, Object>) pricesCache.get("sample")).containsEntry("server", "cache")
				.containsEntry("entries", 1L)
				.containsEntry("complete", true)
				.containsEntry("entriesText", "1")
				.containsEntry("measured", 1L)
				.hasEntrySatisfying("meanValueBytes", (bytes) -> assertThat((Long) bytes).isPositive())
				.hasEntrySatisfying("estimatedBytes", (bytes) -> assertThat((Long) bytes).isPositive());
			// the cache server's big keys, memory report and slow log, by ?server=cache
			String node = cache.host() + ":" + cache.clientPort();
			assertThat(endpoint.serverNames()).containsExactly("default", "cache");
			BigKeys onCacheServer = (BigKeys) endpoint.section("big-keys", 5, prefix + ":cache:prices:*", "cache");
			assertThat(onCacheServer.keys()).singleElement().satisfies((key) -> {
				assertThat(key.node()).isEqualTo(node);
				assertThat(key.key()).startsWith(prefix + ":cache:prices:#");
			});
			assertThat(((BigKeys) endpoint.section("big-keys", 5, prefix + ":cache:prices:*", "default")).keys())
				.isEmpty();
			assertThat((Map<String, String>) endpoint.section("memory", null, null, "cache")).containsOnlyKeys(node);
			RedisServerInspector.Slowlog slowlog = (RedisServerInspector.Slowlog) endpoint.section("slowlog", 5, null,
					"cache");
			assertThat(slowlog.entries()).allSatisfy((entry) -> assertThat(entry.node()).isEqualTo(node));
			assertThat(slowlog.unreadable()).isEmpty();
			assertThat(endpoint.section("slowlog", 5, null, "elsewhere")).as("an unknown server is 404").isNull();
		}
	}

	@Test
	void theAdviceJudgesEachServerByWhatItHoldsAndHealthSaysWhichServerIsDown() throws Exception {
		try (StandaloneRedis application = StandaloneRedis.start(); StandaloneRedis cache = StandaloneRedis.start()) {
			String prefix = "split-" + UUID.randomUUID().toString().substring(0, 8);
			for (StandaloneRedis server : List.of(application, cache)) {
				server.node().execute("CONFIG", "SET", "maxmemory", "100mb");
				server.node().execute("CONFIG", "SET", "appendonly", "yes");
			}
			// the dangerous mix: caches' policy on the server that holds sessions and jobs
			application.node().execute("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
			cache.node().execute("CONFIG", "SET", "maxmemory-policy", "noeviction");
			try (ConfigurableApplicationContext context = start(application, cache, prefix)) {
				context.getBean(Prices.class).price("1");
				RedisEndpoint endpoint = context.getBean(RedisEndpoint.class);
				Map<String, Object> overview = endpoint.overview();
				assertThat(rules(overview.get("advice"))).contains("eviction-drops-data")
					.doesNotContain("noeviction-with-caches", "maxmemory-unset");
				assertThat(messages(overview.get("advice"))).anyMatch((message) -> message.contains("HTTP sessions"));
				Map<?, ?> cacheServer = (Map<?, ?>) ((Map<?, ?>) overview.get("servers")).get("cache");
				assertThat(rules(cacheServer.get("advice"))).containsExactly("noeviction-with-caches");
				assertThat(messages(cacheServer.get("advice"))).singleElement()
					.satisfies((message) -> assertThat(message).contains("allkeys-lru").doesNotContain("sessions"));

				// each server as it should be: no advice on either, and the cache server needs no persistence
				application.node().execute("CONFIG", "SET", "maxmemory-policy", "noeviction");
				cache.node().execute("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
				cache.node().execute("CONFIG", "SET", "appendonly", "no");
				cache.node().execute("CONFIG", "SET", "save", "");
				await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
					Map<String, Object> fixed = endpoint.overview();
					assertThat(rules(fixed.get("advice"))).isEmpty();
					assertThat(rules(((Map<?, ?>) ((Map<?, ?>) fixed.get("servers")).get("cache")).get("advice")))
						.isEmpty();
				});

				// the cache server stops: its contributor is DOWN and says which server, the application's is not
				cache.node().stop();
				await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
					Health health = cacheHealth(context);
					assertThat(health.getStatus()).isEqualTo(Status.DOWN);
					assertThat(health.getDetails()).containsEntry("server", "cache").containsKey("error");
				});
				assertThat(context.getBean("redisHealthContributor", HealthIndicator.class).health().getStatus())
					.isNotEqualTo(Status.DOWN);
				assertThat(context.getBean(Prices.class).price("2")).as("caches degrade to the loader")
					.isEqualTo("price:2");
				cache.node().start();
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(cacheHealth(context).getStatus()).isNotEqualTo(Status.DOWN));
			}
		}
	}

	@Test
	void aCacheServerWithALeastPrivilegeUserBehindItsOwnCredentials(CapturedOutput output) throws Exception {
		StandaloneRedis application = RedisDeployments.sharedStandalone();
		StandaloneRedis cache = RedisDeployments.sharedAcl();
		String prefix = "split-" + UUID.randomUUID().toString().substring(0, 8);
		try (ConfigurableApplicationContext context = start(application, cache, prefix)) {
			assertThat(context.getBean(Prices.class).price("7")).isEqualTo("price:7");
			assertThat(keys(cache.node(), prefix)).containsExactly(prefix + ":cache:prices:7");
			assertThat(keys(application.node(), prefix)).noneMatch((key) -> key.contains(":cache:"));
			Map<?, ?> cacheServer = (Map<?, ?>) ((Map<?, ?>) context.getBean(RedisEndpoint.class).overview()
				.get("servers")).get("cache");
			// the ACL user may not run INFO: the cache server's advice says what it could not check
			assertThat(rules(cacheServer.get("advice"))).contains("maxmemory-unset");
			assertThat(messages(cacheServer.get("advice"))).anyMatch((message) -> message.contains("Could not check"));
			// the startup check tested the cache server's user too, and said what it may not run
			assertThat(output).contains("The Redis user 'app' of the cache Redis (redisboot.cache.redis.username) may"
					+ " not run 'info' command");
		}
	}

	@Test
	void aCacheUserWithoutKeysUnderThePrefixFailsStartupNamingTheCacheRedisProperties() {
		StandaloneRedis application = RedisDeployments.sharedStandalone();
		String prefix = "split-" + UUID.randomUUID().toString().substring(0, 8);
		// keys of another application only; channels and the rest allowed
		try (StandaloneRedis cache = StandaloneRedis.startWithAclUser("~other:* &* +@all -@dangerous")) {
			assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> start(application, cache, prefix))
				.satisfies((failure) -> {
					FailureAnalysis analysis = new RedisAccessFailureAnalyzer(null).analyze(failure);
					assertThat(analysis).isNotNull();
					assertThat(analysis.getDescription())
						.startsWith("The Redis user 'app' of the cache Redis (redisboot.cache.redis.username) may not"
								+ " use keys under the key prefix (EXISTS " + prefix + ":cache:redisboot:access-probe")
						.contains("NOPERM");
					assertThat(analysis.getAction()).contains("ACL SETUSER app ~" + prefix + ":cache*");
				});
		}
	}

	@Test
	void aCacheUserLimitedToTheCacheKeysPassesTheStartupCheck() {
		StandaloneRedis application = RedisDeployments.sharedStandalone();
		String prefix = "split-" + UUID.randomUUID().toString().substring(0, 8);
		try (StandaloneRedis cache = StandaloneRedis
			.startWithAclUser("~" + prefix + ":cache* &" + prefix + ":cache* +@all -@dangerous");
				ConfigurableApplicationContext context = start(application, cache, prefix)) {
			assertThat(context.getBean(Prices.class).price("5")).isEqualTo("price:5");
			assertThat(keys(cache.node(), prefix)).containsExactly(prefix + ":cache:prices:5");
		}
	}

	@Test
	void aWrongCachePasswordFailsStartupNamingTheCacheRedisProperties() {
		StandaloneRedis application = RedisDeployments.sharedStandalone();
		StandaloneRedis cache = RedisDeployments.sharedAcl();
		String prefix = "split-" + UUID.randomUUID().toString().substring(0, 8);
		List<String> wrong = new ArrayList<>(List.of(application.propertyValues()));
		for (String value : cache.propertyValues()) {
			wrong.add(value.startsWith("spring.data.redis.password=") ? "redisboot.cache.redis.password=not-it"
					: value.replace("spring.data.redis.", "redisboot.cache.redis."));
		}
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> start(wrong, prefix))
			.satisfies((failure) -> {
				FailureAnalysis analysis = new RedisAccessFailureAnalyzer(null).analyze(failure);
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription())
					.startsWith("The cache Redis (redisboot.cache.redis.*) rejected the application's user name or"
							+ " password")
					.contains("user 'app'", "WRONGPASS")
					.doesNotContain("not-it");
				assertThat(analysis.getAction()).contains("redisboot.cache.redis.username", "redisboot.cache.redis.password")
					.doesNotContain("spring.data.redis.password");
			});
	}

	@Test
	void aCacheServerBehindSentinel() {
		StandaloneRedis application = RedisDeployments.sharedStandalone();
		SentinelRedis cache = RedisDeployments.sharedSentinel();
		String prefix = "split-" + UUID.randomUUID().toString().substring(0, 8);
		try (ConfigurableApplicationContext context = start(application, cache, prefix)) {
			assertThat(context.getBean(Prices.class).price("3")).isEqualTo("price:3");
			assertThat(keys(cache.currentPrimary(), prefix)).containsExactly(prefix + ":cache:prices:3");
			assertThat(keys(application.node(), prefix)).noneMatch((key) -> key.contains(":cache:"));
			assertThat(cacheHealth(context).getDetails()).containsEntry("mode", "sentinel");
		}
	}

	private ConfigurableApplicationContext start(RedisDeployment application, RedisDeployment cache, String prefix) {
		List<String> properties = new ArrayList<>(List.of(application.propertyValues()));
		for (String value : cache.propertyValues()) {
			properties.add(value.replace("spring.data.redis.", "redisboot.cache.redis."));
		}
		return start(properties, prefix);
	}

	private ConfigurableApplicationContext start(List<String> connections, String prefix) {
		List<String> properties = new ArrayList<>(connections);
		properties.addAll(List.of("server.port=0", "redisboot.key-prefix=" + prefix, "spring.main.banner-mode=off",
				"redisboot.jobs.stream=" + prefix + "-jobs", "redisboot.stream.block=200ms",
				"redisboot.stream.shutdown-timeout=500ms", "redisboot.session.cleanup-interval=1h",
				"redisboot.cache.near-cache.enabled=true", "redisboot.connection.max-reconnect-delay=200ms",
				"redisboot.observability.health.cache-time-to-live=0s",
				"redisboot.observability.command-latency.enabled=true",
				"management.endpoints.web.exposure.include=health,redis",
				"redisboot.rate-limit.rules[0].name=split", "redisboot.rate-limit.rules[0].paths=/api/limited",
				"redisboot.rate-limit.rules[0].key=header:X-Client",
				"redisboot.rate-limit.rules[0].limits[0].capacity=1000",
				"redisboot.rate-limit.rules[0].limits[0].period=1h"));
		return new SpringApplicationBuilder(FailoverTestApplication.class).web(WebApplicationType.SERVLET)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	private static Health cacheHealth(ConfigurableApplicationContext context) {
		CompositeHealthContributor servers = context.getBean("redisServersHealthContributor",
				CompositeHealthContributor.class);
		return ((HealthIndicator) servers.getContributor("cache")).health();
	}

	private static List<String> keys(RedisNode node, String prefix) {
		// every key of the test: its own prefix, and the jobs stream named after it
		List<String> names = new ArrayList<>();
		((List<?>) node.execute("KEYS", "*" + prefix + "*"))
			.forEach((key) -> names.add((key instanceof byte[] bytes) ? new String(bytes) : String.valueOf(key)));
		return names;
	}

	private static long subscribers(RedisNode node, String channel) {
		List<?> answer = (List<?>) node.execute("PUBSUB", "NUMSUB", channel);
		return Long.parseLong(String.valueOf(answer.get(1)));
	}

	private static List<String> rules(Object advice) {
		return ((List<?>) advice).stream().map((item) -> ((RedisAdvice) item).rule()).toList();
	}

	private static List<String> messages(Object advice) {
		return ((List<?>) advice).stream().map((item) -> ((RedisAdvice) item).message()).toList();
	}

}

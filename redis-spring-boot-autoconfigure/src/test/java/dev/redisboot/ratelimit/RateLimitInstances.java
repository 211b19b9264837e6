package dev.redisboot.ratelimit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.redisboot.test.RedisDeployment;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts instances of {@link RateLimitTestApplication} (Tomcat) or
 * {@link ReactiveRateLimitTestApplication} (Netty) on one Redis and one key prefix, each on a
 * random port, and sends them requests.
 */
final class RateLimitInstances {

	static final String[] RULES = { "redisboot.rate-limit.rules[0].name=burst",
			"redisboot.rate-limit.rules[0].paths=/api/hello", "redisboot.rate-limit.rules[0].limits[0].capacity=20",
			"redisboot.rate-limit.rules[0].limits[0].period=1h",
			"redisboot.rate-limit.rules[1].name=login", "redisboot.rate-limit.rules[1].paths=/api/auth/login",
			"redisboot.rate-limit.rules[1].methods=POST", "redisboot.rate-limit.rules[1].limits[0].capacity=3",
			"redisboot.rate-limit.rules[1].limits[0].period=1m",
			"redisboot.rate-limit.rules[2].name=api", "redisboot.rate-limit.rules[2].paths=/api/items",
			"redisboot.rate-limit.rules[2].key=header:X-API-Key", "redisboot.rate-limit.rules[2].limits[0].capacity=2",
			"redisboot.rate-limit.rules[2].limits[0].period=1h",
			"redisboot.rate-limit.rules[2].plans.free.limits[0].capacity=3",
			"redisboot.rate-limit.rules[2].plans.free.limits[0].period=1h",
			"redisboot.rate-limit.rules[2].plans.pro.limits[0].capacity=6",
			"redisboot.rate-limit.rules[2].plans.pro.limits[0].period=1h",
			"redisboot.rate-limit.rules[3].name=me", "redisboot.rate-limit.rules[3].paths=/api/me",
			"redisboot.rate-limit.rules[3].key=user", "redisboot.rate-limit.rules[3].limits[0].capacity=5",
			"redisboot.rate-limit.rules[3].limits[0].period=1h",
			"redisboot.rate-limit.rules[4].name=reset", "redisboot.rate-limit.rules[4].limits[0].capacity=2",
			"redisboot.rate-limit.rules[4].limits[0].period=1h",
			"redisboot.rate-limit.rules[5].name=outage-allow", "redisboot.rate-limit.rules[5].paths=/api/outage/allow",
			"redisboot.rate-limit.rules[5].on-redis-failure=allow",
			"redisboot.rate-limit.rules[5].limits[0].capacity=2", "redisboot.rate-limit.rules[5].limits[0].period=1h",
			"redisboot.rate-limit.rules[6].name=outage-deny", "redisboot.rate-limit.rules[6].paths=/api/outage/deny",
			"redisboot.rate-limit.rules[6].on-redis-failure=deny",
			"redisboot.rate-limit.rules[6].limits[0].capacity=2", "redisboot.rate-limit.rules[6].limits[0].period=1h",
			"redisboot.rate-limit.rules[7].name=outage-local", "redisboot.rate-limit.rules[7].paths=/api/outage/local",
			"redisboot.rate-limit.rules[7].on-redis-failure=local",
			"redisboot.rate-limit.rules[7].limits[0].capacity=2",
			"redisboot.rate-limit.rules[7].limits[0].period=1h",
			// 'api' for @RateLimited: the same key, limits and plans, no paths
			"redisboot.rate-limit.rules[8].name=export", "redisboot.rate-limit.rules[8].key=header:X-API-Key",
			"redisboot.rate-limit.rules[8].limits[0].capacity=2", "redisboot.rate-limit.rules[8].limits[0].period=1h",
			"redisboot.rate-limit.rules[8].plans.free.limits[0].capacity=3",
			"redisboot.rate-limit.rules[8].plans.free.limits[0].period=1h",
			"redisboot.rate-limit.rules[8].plans.pro.limits[0].capacity=6",
			"redisboot.rate-limit.rules[8].plans.pro.limits[0].period=1h" };

	private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private RateLimitInstances() {
	}

	static ConfigurableApplicationContext start(RedisDeployment redis, String prefix, String... extra) {
		return start(RateLimitTestApplication.class, WebApplicationType.SERVLET, redis, prefix, extra);
	}

	private static ConfigurableApplicationContext start(Class<?> application, WebApplicationType type,
			RedisDeployment redis, String prefix, String... extra) {
		List<String> properties = new ArrayList<>(List.of(RULES));
		properties.addAll(List.of(redis.propertyValues()));
		properties.add("server.port=0");
		properties.add("redisboot.key-prefix=" + prefix);
		properties.add("spring.main.banner-mode=off");
		properties.add("redisboot.cache.enabled=false");
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(application).web(type)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	/**
	 * Starts an instance of {@link ReactiveRateLimitTestApplication}, with Netty.
	 */
	static ConfigurableApplicationContext startReactive(RedisDeployment redis, String prefix, String... extra) {
		return start(ReactiveRateLimitTestApplication.class, WebApplicationType.REACTIVE, redis, prefix, extra);
	}

	static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	/**
	 * Sends GET requests from a number of clients at once, each client a thread sending its
	 * requests one after another, the clients taking turns between two instances.
	 * @return the statuses of all requests
	 */
	static List<Integer> concurrentGets(ConfigurableApplicationContext a, ConfigurableApplicationContext b,
			int clients, int requestsPerClient, String path) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<List<Integer>>> results = new ArrayList<>();
			for (int client = 0; client < clients; client++) {
				ConfigurableApplicationContext instance = (client % 2 == 0) ? a : b;
				results.add(pool.submit(() -> {
					start.await();
					List<Integer> statuses = new ArrayList<>();
					for (int i = 0; i < requestsPerClient; i++) {
						statuses.add(get(instance, path).statusCode());
					}
					return statuses;
				}));
			}
			start.countDown();
			List<Integer> statuses = new ArrayList<>();
			for (Future<List<Integer>> result : results) {
				statuses.addAll(result.get(60, TimeUnit.SECONDS));
			}
			return statuses;
		}
		finally {
			pool.shutdownNow();
		}
	}

	static HttpResponse<String> get(ConfigurableApplicationContext context, String path, String... headers) {
		return send(context, "GET", path, headers);
	}

	static HttpResponse<String> send(ConfigurableApplicationContext context, String method, String path,
			String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + path))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (headers.length > 0) {
			request.headers(headers);
		}
		try {
			return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}

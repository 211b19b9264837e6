package dev.redisboot.cache;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.redisboot.cache.autoconfigure.RedisbootCacheAutoConfiguration;
import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.autoconfigure.RedisbootAutoConfiguration;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Server-Timing} header ({@code redisboot.cache.server-timing.enabled}) on a real
 * Tomcat against a real Redis: each cache access of a request is listed with its cache,
 * outcome and duration, bounded, never with its key; off by default.
 */
@WithRedis
class CacheServerTimingIntegrationTests {

	private static final Pattern ENTRY = Pattern.compile("cache;desc=\"([^\"]+)\";dur=([0-9.]+)");

	private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final RedisDeployment redis = RedisDeployments.sharedStandalone();

	@Test
	void eachAccessOfARequestIsListedWithItsOutcomeAndDurationButNeverItsKey() {
		try (ConfigurableApplicationContext context = start("redisboot.cache.server-timing.enabled=true")) {
			HttpResponse<String> first = get(context, "/products/secret-sku");
			assertThat(first.body()).isEqualTo("product secret-sku");
			assertThat(entries(first)).containsExactly("products miss", "products load");
			HttpResponse<String> second = get(context, "/products/secret-sku");
			assertThat(entries(second)).containsExactly("products hit-redis");
			assertThat(second.headers().allValues("Server-Timing")).singleElement()
				.satisfies((header) -> assertThat(header).doesNotContain("secret-sku"));
			assertThat(get(context, "/plain").headers().firstValue("Server-Timing"))
				.as("a request without cache accesses has no header").isEmpty();
		}
	}

	@Test
	void manyAccessesAreBoundedWithTheRestSummedInOneEntry() {
		try (ConfigurableApplicationContext context = start("redisboot.cache.server-timing.enabled=true",
				"redisboot.cache.server-timing.max-entries=3")) {
			List<String> entries = entries(get(context, "/many/8"));
			assertThat(entries).containsExactly("products miss", "products miss", "products miss", "5 more");
		}
	}

	@Test
	void offByDefault() {
		try (ConfigurableApplicationContext context = start()) {
			HttpResponse<String> response = get(context, "/products/a");
			assertThat(response.body()).isEqualTo("product a");
			assertThat(response.headers().firstValue("Server-Timing")).isEmpty();
			assertThat(context.getBeansOfType(CacheServerTiming.class)).isEmpty();
		}
	}

	@Test
	void maxEntriesOutOfRangeFailsStartupNamingTheProperty() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
					RedisbootCacheAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=1", "redisboot.cache.server-timing.enabled=true",
					"redisboot.cache.server-timing.max-entries=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidPropertyException.class)
				.hasMessageContaining("redisboot.cache.server-timing.max-entries"));
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class,
					RedisbootCacheAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=1", "redisboot.cache.server-timing.enabled=true")
			.run((context) -> assertThat(context).hasBean("redisbootCacheServerTimingFilter")
				.getBean("redisbootCacheServerTimingFilter", FilterRegistrationBean.class)
				.extracting(FilterRegistrationBean::getFilter)
				.isInstanceOf(CacheServerTimingFilter.class));
	}

	private ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(ServerTimingApplication.class).web(WebApplicationType.SERVLET)
			.properties(this.redis.propertyValues())
			.properties("server.port=0", "spring.main.banner-mode=off",
					"redisboot.key-prefix=it-" + UUID.randomUUID().toString().substring(0, 8),
					"redisboot.cache.caches.products.ttl=10m")
			.properties(properties)
			.run();
	}

	private static List<String> entries(HttpResponse<String> response) {
		String header = response.headers().firstValue("Server-Timing").orElse("");
		Matcher matcher = ENTRY.matcher(header);
		List<String> entries = new java.util.ArrayList<>();
		while (matcher.find()) {
			entries.add(matcher.group(1));
			assertThat(Double.parseDouble(matcher.group(2))).isNotNegative();
		}
		return entries;
	}

	private static HttpResponse<String> get(ConfigurableApplicationContext context, String path) {
		int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		try {
			return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@RestController
	static class ServerTimingApplication {

		private final CacheManager cacheManager;

		ServerTimingApplication(CacheManager cacheManager) {
			this.cacheManager = cacheManager;
		}

		@GetMapping("/products/{sku}")
		String product(@PathVariable String sku) {
			Cache cache = this.cacheManager.getCache("products");
			return cache.get(sku, () -> "product " + sku);
		}

		@GetMapping("/many/{count}")
		String many(@PathVariable int count) {
			Cache cache = this.cacheManager.getCache("products");
			for (int i = 0; i < count; i++) {
				cache.get("many-" + i + "-" + UUID.randomUUID());
			}
			return "ok";
		}

		@GetMapping("/plain")
		String plain() {
			return "plain";
		}

	}

}

package dev.redisboot.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.redisboot.test.RedisDeployment;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Starts instances of {@link ReactiveSessionTestApplication} (WebFlux on Netty, on a random
 * port) on one Redis and one key prefix, and sends them requests with {@link WebTestClient}
 * and a session cookie. WebFlux's cookie holds the session id itself, where Spring
 * Session's servlet cookie holds it Base64-encoded.
 */
final class ReactiveSessionInstances {

	private ReactiveSessionInstances() {
	}

	static ConfigurableApplicationContext start(RedisDeployment redis, String prefix, String... extra) {
		List<String> properties = new ArrayList<>(List.of(redis.propertyValues()));
		properties.add("server.port=0");
		properties.add("redisboot.key-prefix=" + prefix);
		properties.add("spring.main.banner-mode=off");
		properties.add("redisboot.cache.enabled=false");
		// clean-up runs only when a test calls it, so that command counts are exact
		properties.add("redisboot.session.cleanup-interval=1h");
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(ReactiveSessionTestApplication.class).web(WebApplicationType.REACTIVE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	static WebTestClient client(ConfigurableApplicationContext context) {
		int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30))
			.build();
	}

	/**
	 * Signs a user in.
	 * @return the session id, as WebFlux's cookie holds it
	 */
	static String login(ConfigurableApplicationContext context, String user) {
		EntityExchangeResult<String> result = send(context, "POST", "/login?user=" + user, null);
		return cookie(result).orElseThrow(() -> new IllegalStateException("No session cookie: " + result));
	}

	static Optional<String> cookie(EntityExchangeResult<?> result) {
		ResponseCookie cookie = result.getResponseCookies().getFirst("SESSION");
		return (cookie != null && !cookie.getValue().isEmpty()) ? Optional.of(cookie.getValue()) : Optional.empty();
	}

	static EntityExchangeResult<String> get(ConfigurableApplicationContext context, String path, String sessionId) {
		return send(context, "GET", path, sessionId);
	}

	static EntityExchangeResult<String> post(ConfigurableApplicationContext context, String path, String sessionId) {
		return send(context, "POST", path, sessionId);
	}

	static EntityExchangeResult<String> send(ConfigurableApplicationContext context, String method, String path,
			String sessionId) {
		WebTestClient.RequestBodySpec request = client(context).method(org.springframework.http.HttpMethod.valueOf(method))
			.uri(path);
		if (sessionId != null) {
			request.cookie("SESSION", sessionId);
		}
		return request.exchange().expectBody(String.class).returnResult();
	}

	static int status(EntityExchangeResult<?> result) {
		return result.getStatus().value();
	}

	/**
	 * The value of Spring Session's servlet cookie for a session id.
	 */
	static String servletCookie(String sessionId) {
		return java.util.Base64.getEncoder()
			.encodeToString(sessionId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

}

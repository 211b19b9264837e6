package dev.redisboot.session;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.redisboot.test.RedisDeployment;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts instances of {@link SessionTestApplication} on one Redis and one key prefix, each
 * with Tomcat on a random port, and sends them requests with a session cookie.
 */
final class SessionInstances {

	private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private SessionInstances() {
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
		return new SpringApplicationBuilder(SessionTestApplication.class).web(WebApplicationType.SERVLET)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	static RedisbootSessionRepository repository(ConfigurableApplicationContext context) {
		return context.getBean(RedisbootSessionRepository.class);
	}

	/**
	 * Signs a user in.
	 * @return the session cookie's value
	 */
	static String login(ConfigurableApplicationContext context, String user) {
		HttpResponse<String> response = send(context, "POST", "/login?user=" + user, null);
		return cookie(response).orElseThrow(() -> new IllegalStateException("No session cookie: " + response.headers()));
	}

	static Optional<String> cookie(HttpResponse<?> response) {
		return setCookie(response).map((header) -> header.substring("SESSION=".length(), header.indexOf(';')));
	}

	static Optional<String> setCookie(HttpResponse<?> response) {
		return response.headers().allValues("Set-Cookie").stream().filter((h) -> h.startsWith("SESSION=")).findFirst();
	}

	static HttpResponse<String> get(ConfigurableApplicationContext context, String path, String cookie) {
		return send(context, "GET", path, cookie);
	}

	static HttpResponse<String> post(ConfigurableApplicationContext context, String path, String cookie) {
		return send(context, "POST", path, cookie);
	}

	static HttpResponse<String> send(ConfigurableApplicationContext context, String method, String path,
			String cookie) {
		int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (cookie != null) {
			request.header("Cookie", "SESSION=" + cookie);
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

	/**
	 * The session id in a cookie value (Spring Session writes it Base64-encoded).
	 */
	static String sessionId(String cookie) {
		return new String(java.util.Base64.getDecoder().decode(cookie), java.nio.charset.StandardCharsets.UTF_8);
	}

}

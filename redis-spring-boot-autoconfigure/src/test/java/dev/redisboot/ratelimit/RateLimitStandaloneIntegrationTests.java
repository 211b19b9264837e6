package dev.redisboot.ratelimit;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.redisboot.core.KeyDigester;
import dev.redisboot.ratelimit.autoconfigure.RateLimitRuleCustomizer;
import dev.redisboot.test.RedisDeployment;
import dev.redisboot.test.RedisDeployments;
import dev.redisboot.test.WithRedis;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Rate limiting on a standalone Redis: besides the shared tests, client keys, plans, one
 * client resolution for the filter and {@code @RateLimited}, customizers and replaced
 * filters, and the number of Redis commands per decision.
 */
// a server of its own: the exact server-wide command counts below must not see the background
// commands of other test classes' cached contexts (stream readers, server metrics) on the shared server
@WithRedis(isolated = true)
@ExtendWith(OutputCaptureExtension.class)
class RateLimitStandaloneIntegrationTests extends AbstractRateLimitIntegrationTests {

	@Override
	protected RedisDeployment redis() {
		return RedisDeployments.sharedStandalone();
	}

	@Test
	void forgedForwardedForFromAnUntrustedPeerDoesNotChangeTheBucket() {
		// native forward headers, but no proxy trusted: the peer (127.0.0.1) is the client
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), newPrefix(),
				"server.forward-headers-strategy=native", "server.tomcat.remoteip.internal-proxies=")) {
			for (int i = 0; i < 3; i++) {
				assertThat(RateLimitInstances.send(a, "POST", "/api/auth/login", "X-Forwarded-For", "203.0.113." + i)
					.statusCode()).isEqualTo(200);
			}
			assertThat(RateLimitInstances.send(a, "POST", "/api/auth/login", "X-Forwarded-For", "198.51.100.7")
				.statusCode()).as("a new forged address is still the same client").isEqualTo(429);
		}
	}

	@Test
	void forwardedForFromATrustedProxyNamesTheClient() {
		// the control: with the peer trusted as a proxy, each forwarded address has its own bucket
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), newPrefix(),
				"server.forward-headers-strategy=native",
				"server.tomcat.remoteip.internal-proxies=127\\.0\\.0\\.1")) {
			for (int i = 0; i < 3; i++) {
				assertThat(RateLimitInstances.send(a, "POST", "/api/auth/login", "X-Forwarded-For", "203.0.113.9")
					.statusCode()).isEqualTo(200);
			}
			assertThat(RateLimitInstances.send(a, "POST", "/api/auth/login", "X-Forwarded-For", "203.0.113.9")
				.statusCode()).isEqualTo(429);
			assertThat(RateLimitInstances.send(a, "POST", "/api/auth/login", "X-Forwarded-For", "203.0.113.10")
				.statusCode()).isEqualTo(200);
		}
	}

	@Test
	void rulesApplyOnlyToTheirMethodsAndEachClientHasItsOwnBucket() {
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), newPrefix())) {
			for (int i = 0; i < 5; i++) {
				assertThat(RateLimitInstances.get(a, "/api/auth/login").statusCode()).as("GET is not limited")
					.isEqualTo(405);
			}
			for (int i = 0; i < 5; i++) {
				assertThat(RateLimitInstances.get(a, "/api/me", "X-Test-User", "ann").statusCode()).isEqualTo(200);
			}
			assertThat(RateLimitInstances.get(a, "/api/me", "X-Test-User", "ann").statusCode()).isEqualTo(429);
			assertThat(RateLimitInstances.get(a, "/api/me", "X-Test-User", "bob").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void aUserRuleWithoutAUserDeniesWith401OrFallsBackToTheIp() {
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), newPrefix())) {
			HttpResponse<String> anonymous = RateLimitInstances.get(a, "/api/me");
			assertThat(anonymous.statusCode()).isEqualTo(401);
			assertThat(anonymous.body()).contains("\"rule\":\"me\"");
		}
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), newPrefix(),
				"redisboot.rate-limit.rules[3].missing-key=ip")) {
			for (int i = 0; i < 5; i++) {
				assertThat(RateLimitInstances.get(a, "/api/me").statusCode()).isEqualTo(200);
			}
			assertThat(RateLimitInstances.get(a, "/api/me").statusCode()).as("anonymous clients by IP").isEqualTo(429);
			assertThat(RateLimitInstances.get(a, "/api/me", "X-Test-User", "ann").statusCode())
				.as("never the bucket of a signed-in user").isEqualTo(200);
		}
	}

	@Test
	void plansGiveEachApiKeyItsPlansLimitAndApiKeysNeverReachRedis() {
		String prefix = newPrefix();
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), prefix)) {
			assertThat(allowedInARow(a, "free-key-1")).isEqualTo(3);
			assertThat(allowedInARow(a, "pro-key-1")).isEqualTo(6);
			assertThat(RateLimitInstances.get(a, "/api/items", "X-API-Key", "pro-key-2").headers()
				.firstValue("RateLimit-Policy")).hasValue("\"api\";q=6;w=3600");
			assertThat(RateLimitInstances.get(a, "/api/items").statusCode()).as("no API key: denied").isEqualTo(401);
			List<String> keys = redis().nodes().stream()
				.flatMap((node) -> ((List<?>) node.execute("KEYS", prefix + ":rl:*")).stream())
				.map((key) -> (key instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : key.toString())
				.toList();
			assertThat(keys).isNotEmpty().noneMatch((key) -> key.contains("key-1") || key.contains("key-2"));
			assertThat(keys).allMatch((key) -> key.startsWith(prefix + ":rl:{api:"));
		}
	}

	/**
	 * The filter (rule {@code api}, {@code GET /api/items}) and {@code @RateLimited} (rule
	 * {@code export}, {@code GET /api/export}) resolve the client alike: a key the plan
	 * resolver does not know is no key, and {@code missing-key} applies.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "/api/items", "/api/export" })
	void anApiKeyThePlanResolverDoesNotKnowIsNoClientOnBothPaths(String path) {
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), newPrefix())) {
			HttpResponse<String> invented = RateLimitInstances.get(a, path, "X-API-Key", "invented-1");
			assertThat(invented.statusCode()).as("an unknown key is a missing key: denied").isEqualTo(401);
			assertThat(invented.body()).contains("\"status\":401", "header:X-API-Key");
			assertThat(RateLimitInstances.get(a, path).statusCode()).as("no API key: denied").isEqualTo(401);
			assertThat(allowedInARow(a, path, "free-key-1")).as("a known key: its plan's limit").isEqualTo(3);
			assertThat(allowedInARow(a, path, "pro-key-1")).isEqualTo(6);
		}
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), newPrefix(),
				"redisboot.rate-limit.rules[2].missing-key=ip", "redisboot.rate-limit.rules[8].missing-key=ip")) {
			for (int i = 0; i < 2; i++) {
				assertThat(RateLimitInstances.get(a, path, "X-API-Key", "invented-" + i).statusCode()).isEqualTo(200);
			}
			assertThat(RateLimitInstances.get(a, path, "X-API-Key", "invented-9").statusCode())
				.as("every invented key shares the client IP's bucket (the rule's own 2 per hour)").isEqualTo(429);
			assertThat(RateLimitInstances.get(a, path).statusCode()).as("as does a request without a key")
				.isEqualTo(429);
			assertThat(RateLimitInstances.get(a, path, "X-API-Key", "free-key-1").statusCode())
				.as("a real key still has its own bucket").isEqualTo(200);
		}
	}

	@Test
	void aCustomizerChangesOneRulesLimitAndAnApplicationFilterReplacesOneStagesFilter() {
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), newPrefix(),
				"spring.main.sources=" + Customizations.class.getName())) {
			assertThat(RateLimitInstances.get(a, "/api/hello").headers().firstValue("RateLimit-Policy"))
				.hasValue("\"burst\";q=2;w=60");
			assertThat(RateLimitInstances.get(a, "/api/hello").statusCode()).isEqualTo(200);
			assertThat(RateLimitInstances.get(a, "/api/hello").statusCode()).as("the customized limit")
				.isEqualTo(429);
			for (int i = 0; i < 3; i++) {
				assertThat(RateLimitInstances.send(a, "POST", "/api/auth/login").statusCode()).isEqualTo(200);
			}
			assertThat(RateLimitInstances.send(a, "POST", "/api/auth/login").statusCode())
				.as("another rule keeps its limit").isEqualTo(429);
			for (int i = 0; i < 6; i++) {
				HttpResponse<String> me = RateLimitInstances.get(a, "/api/me", "X-Test-User", "ann");
				assertThat(me.statusCode()).as("rule 'me' ran in the replaced filter").isEqualTo(200);
				assertThat(me.headers().firstValue("X-Own-Filter")).hasValue("after-authentication");
			}
		}
	}

	/**
	 * What an application adds: a customizer of rule {@code burst}, and a filter of its own
	 * in place of the one of rules that run after authentication.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Customizations {

		@Bean
		RateLimitRuleCustomizer burstCustomizer() {
			return RateLimitRuleCustomizer.of("burst", (rule) -> rule.limits(Limit.of(2, Duration.ofMinutes(1))));
		}

		@Bean("redisbootRateLimitFilterAfterAuthentication")
		FilterRegistrationBean<OncePerRequestFilter> ownFilter() {
			FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
					new OncePerRequestFilter() {

						@Override
						protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
								FilterChain chain) throws ServletException, IOException {
							response.setHeader("X-Own-Filter", "after-authentication");
							chain.doFilter(request, response);
						}

					});
			registration.setOrder(-90);
			return registration;
		}

	}

	private static int allowedInARow(ConfigurableApplicationContext context, String apiKey) {
		return allowedInARow(context, "/api/items", apiKey);
	}

	private static int allowedInARow(ConfigurableApplicationContext context, String path, String apiKey) {
		int allowed = 0;
		while (RateLimitInstances.get(context, path, "X-API-Key", apiKey).statusCode() == 200) {
			allowed++;
			assertThat(allowed).isLessThan(100);
		}
		return allowed;
	}

	@Test
	void rateLimitedMethodThrowsOverTheLimitAndMvcAnswers429() {
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), newPrefix())) {
			RateLimitTestApplication.PasswordResets resets = a.getBean(RateLimitTestApplication.PasswordResets.class);
			resets.send("ann@example.com");
			resets.send("ann@example.com");
			assertThatExceptionOfType(RateLimitExceededException.class)
				.isThrownBy(() -> resets.send("ann@example.com"))
				.satisfies((ex) -> assertThat(ex.getRetryAfterSeconds()).isPositive());
			assertThat(resets.sent()).as("the method did not run the third time").isEqualTo(2);
			resets.send("bob@example.com");
			HttpResponse<String> viaMvc = RateLimitInstances.send(a, "POST", "/api/reset/bob@example.com");
			assertThat(viaMvc.statusCode()).isEqualTo(200);
			HttpResponse<String> rejected = RateLimitInstances.send(a, "POST", "/api/reset/bob@example.com");
			assertThat(rejected.statusCode()).isEqualTo(429);
			assertThat(rejected.headers().firstValue("Retry-After")).isPresent();
			assertThat(rejected.headers().firstValue("RateLimit")).hasValueSatisfying(
					(value) -> assertThat(value).startsWith("\"reset\";r=0;t="));
			assertThat(rejected.body()).contains("\"status\":429", "\"rule\":\"reset\"");
		}
	}

	@Test
	void noBucketKeyHoldsAClientIdentityInClear(CapturedOutput output) {
		String prefix = newPrefix();
		String secret = "c2VjcmV0LWZvci1yYXRlLWxpbWl0LWtleXM=";
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), prefix,
				"redisboot.key-digest-secret=" + secret, "redisboot.rate-limit.rules[9].name=tenant",
				"redisboot.rate-limit.rules[9].paths=/api/me", "redisboot.rate-limit.rules[9].key=expression",
				"redisboot.rate-limit.rules[9].expression=header('X-Tenant')",
				"redisboot.rate-limit.rules[9].limits[0].capacity=5", "redisboot.rate-limit.rules[9].limits[0].period=1h")) {
			assertThat(RateLimitInstances.get(a, "/api/hello").statusCode()).isEqualTo(200);
			assertThat(RateLimitInstances.send(a, "POST", "/api/auth/login").statusCode()).isEqualTo(200);
			assertThat(RateLimitInstances.get(a, "/api/items", "X-API-Key", "pro-key-s3cr3t").statusCode())
				.isEqualTo(200);
			assertThat(RateLimitInstances.get(a, "/api/me", "X-Test-User", "ann@example.com", "X-Tenant", "tenant-42")
				.statusCode()).isEqualTo(200);
			assertThat(RateLimitInstances.send(a, "POST", "/api/reset/bob@example.com").statusCode()).isEqualTo(200);
			List<String> keys = redis().nodes().stream()
				.flatMap((node) -> ((List<?>) node.execute("KEYS", prefix + ":rl:*")).stream())
				.map((key) -> (key instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : key.toString())
				.toList();
			assertThat(keys).hasSize(6).allMatch((key) -> key.matches(
					java.util.regex.Pattern.quote(prefix) + ":rl:\\{(burst|login|api|me|tenant|reset):(-|pro):[A-Za-z0-9_-]{32}\\}"));
			for (String identity : List.of("127.0.0.1", "pro-key-s3cr3t", "s3cr3t", "ann", "example.com", "tenant-42",
					"bob")) {
				assertThat(keys).noneMatch((key) -> key.contains(identity));
			}
			assertThat(output).doesNotContain("s3cr3t", "ann@example.com", "bob@example.com", "tenant-42");
			KeyDigester digester = KeyDigester.of(secret);
			assertThat(keys).contains(prefix + ":rl:{burst:-:" + digester.digest("ratelimit", "ip=127.0.0.1") + "}",
					prefix + ":rl:{login:-:" + digester.digest("ratelimit", "ip=127.0.0.1") + "}",
					prefix + ":rl:{api:pro:" + digester.digest("ratelimit", "h=pro-key-s3cr3t") + "}",
					prefix + ":rl:{me:-:" + digester.digest("ratelimit", "u=ann@example.com") + "}",
					prefix + ":rl:{tenant:-:" + digester.digest("ratelimit", "e=tenant-42") + "}",
					prefix + ":rl:{reset:-:" + digester.digest("ratelimit", "a=bob@example.com") + "}");
			assertThat(digester.digest("ratelimit", "ip=127.0.0.1"))
				.as("keyed: not the digest without the secret")
				.isNotEqualTo(KeyDigester.unkeyed().digest("ratelimit", "ip=127.0.0.1"));
		}
	}

	@Test
	void aDecisionOnAKnownBucketIsOneRedisCommand() {
		// counted in the server's command statistics; nothing else uses the server meanwhile
		try (ConfigurableApplicationContext a = RateLimitInstances.start(redis(), newPrefix())) {
			RateLimitInstances.get(a, "/api/hello"); // first decision: GET (unknown bucket) and the swap
			Map<String, String> before = redis().nodes().get(0).info("commandstats");
			for (int i = 0; i < 10; i++) {
				RateLimitInstances.get(a, "/api/hello");
			}
			Map<String, String> after = redis().nodes().get(0).info("commandstats");
			assertThat(calls(after, "cmdstat_evalsha") - calls(before, "cmdstat_evalsha")).isEqualTo(10);
			// Redis counts the commands a script runs too: the swap script's own GET and SET, no GET of ours
			assertThat(calls(after, "cmdstat_get") - calls(before, "cmdstat_get")).as("reads").isEqualTo(10);
			assertThat(calls(after, "cmdstat_set") - calls(before, "cmdstat_set")).as("writes").isEqualTo(10);
		}
	}

}

package dev.redisboot.core.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;

import dev.redisboot.core.RedisUsage;
import dev.redisboot.test.RedisBackend;
import dev.redisboot.test.StandaloneRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup check against real servers: each connection failure gets a failure analysis
 * naming its cause and the properties to check, never the password; a tight ACL works; a
 * user without key or channel rights under the prefix fails startup; an unreachable Redis
 * does not, unless required.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisStartupCheckIntegrationTests {

	private static ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
					RedisbootAutoConfiguration.class))
			// as SpringApplication does: the check runs in applications only
			.withBean(ApplicationArguments.class, DefaultApplicationArguments::new)
			.withPropertyValues("spring.data.redis.timeout=2s", "spring.data.redis.connect-timeout=2s")
			.withPropertyValues(properties);
	}

	private static FailureAnalysis analysis(Throwable failure, String... properties) {
		FailureAnalysis analysis = new RedisAccessFailureAnalyzer(null).analyze(failure);
		assertThat(analysis).as("failure analysis of %s", failure).isNotNull();
		return analysis;
	}

	@Test
	void aWrongPasswordFailsStartupNamingTheCredentialProperties() {
		try (StandaloneRedis redis = StandaloneRedis.startWithAclUser(StandaloneRedis.MANAGED_ACL_RULES)) {
			runner(redis.propertyValues()).withPropertyValues("spring.data.redis.password=not-the-password")
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analysis(context.getStartupFailure());
					assertThat(analysis.getDescription())
						.startsWith("Redis rejected the application's user name or password")
						.contains(redis.host() + ":" + redis.port(), "user 'app'", "password set", "WRONGPASS")
						.doesNotContain("not-the-password", redis.password().orElseThrow());
					assertThat(analysis.getAction()).contains("spring.data.redis.username", "spring.data.redis.password");
				});
		}
	}

	@Test
	void missingCredentialsFailStartupNamingTheCredentialProperties() {
		try (StandaloneRedis redis = StandaloneRedis.start(RedisBackend.LOCAL)) {
			redis.node().execute("CONFIG", "SET", "requirepass", "server-secret");
			runner("spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port())
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analysis(context.getStartupFailure());
					assertThat(analysis.getDescription())
						.startsWith("Redis requires a password and the application sent none")
						.contains("no password", "NOAUTH")
						.doesNotContain("server-secret");
					assertThat(analysis.getAction()).contains("spring.data.redis.password");
				});
		}
	}

	@Test
	void aTlsClientAgainstAPlainPortFailsStartupNamingTheSslProperties() {
		StandaloneRedis redis = dev.redisboot.test.RedisDeployments.sharedTls();
		runner(redis.propertyValues()).withPropertyValues("spring.data.redis.port=" + redis.port()).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analysis(context.getStartupFailure());
			assertThat(analysis.getDescription()).startsWith("The TLS connection to Redis failed").contains(", TLS)");
			assertThat(analysis.getAction()).contains("spring.data.redis.ssl.enabled", "spring.data.redis.ssl.bundle",
					"spring.ssl.bundle.");
		});
	}

	@Test
	void anUnreachableRedisIsAWarningByDefaultAndAFailureWhenRequired(CapturedOutput output) throws IOException {
		int port = closedPort();
		runner("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + port).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("Redis could not be reached (127.0.0.1:" + port, "Starting anyway",
					"redisboot.connection.require-at-startup");
		});
		runner("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + port,
				"redisboot.connection.require-at-startup=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analysis(context.getStartupFailure());
				assertThat(analysis.getDescription()).startsWith("Redis could not be reached (127.0.0.1:" + port);
				assertThat(analysis.getAction()).contains("spring.data.redis.host", "spring.data.redis.port");
			});
	}

	@Test
	void aTightAclWithKeyAndChannelRightsUnderThePrefixWorks(CapturedOutput output) {
		try (StandaloneRedis redis = StandaloneRedis.startWithAclUser("~tight:* &tight:* +@all -@dangerous")) {
			runner(redis.propertyValues()).withPropertyValues("redisboot.key-prefix=tight")
				.withBean("channels", RedisUsage.class, () -> RedisUsage.ofChannels("near-cache invalidation"))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					context.getBean(StringRedisTemplate.class).opsForValue().set("tight:x", "1");
					assertThat(redis.node().execute("GET", "tight:x")).isEqualTo("1");
					// monitoring commands are refused: one warning with the ACL rules that grant them
					assertThat(output).containsOnlyOnce("The Redis user 'app' may not run")
						.contains("'info' command", "ACL SETUSER app +info +slowlog|get +slowlog|len +config|get");
				});
		}
	}

	@Test
	void withoutChannelRightsStartupFailsWhenAFeatureNeedsThem() {
		try (StandaloneRedis redis = StandaloneRedis.startWithAclUser("~tight:* resetchannels +@all -@dangerous")) {
			runner(redis.propertyValues()).withPropertyValues("redisboot.key-prefix=tight")
				.run((context) -> assertThat(context).hasNotFailed());
			runner(redis.propertyValues()).withPropertyValues("redisboot.key-prefix=tight")
				.withBean("channels", RedisUsage.class, () -> RedisUsage.ofChannels("near-cache invalidation"))
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analysis(context.getStartupFailure());
					assertThat(analysis.getDescription())
						.contains("may not use pub/sub channels", "near-cache invalidation", "NOPERM");
					assertThat(analysis.getAction()).contains("ACL SETUSER app &tight:*");
				});
		}
	}

	@Test
	void withoutKeyRightsUnderThePrefixStartupFails() {
		try (StandaloneRedis redis = StandaloneRedis.startWithAclUser("~tight:* &tight:* +@all -@dangerous")) {
			runner(redis.propertyValues()).withPropertyValues("redisboot.key-prefix=other").run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analysis(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("may not use keys under the key prefix",
						"other:redisboot:access-probe", "NOPERM");
				assertThat(analysis.getAction()).contains("ACL SETUSER app ~other:*", "redisboot.key-prefix");
			});
		}
	}

	@Test
	void aConnectionFailureOfAnotherBeanIsAnalyzedFromTheEnvironment() {
		try (StandaloneRedis redis = StandaloneRedis.startWithAclUser(StandaloneRedis.MANAGED_ACL_RULES)) {
			runner(redis.propertyValues())
				.withPropertyValues("spring.data.redis.password=wrong", "redisboot.connection.check-at-startup=false")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
							() -> context.getBean(StringRedisTemplate.class).opsForValue().get("x"));
					org.springframework.mock.env.MockEnvironment environment = new org.springframework.mock.env.MockEnvironment();
					for (String property : redis.propertyValues()) {
						int equals = property.indexOf('=');
						environment.setProperty(property.substring(0, equals), property.substring(equals + 1));
					}
					FailureAnalysis analysis = new RedisAccessFailureAnalyzer(environment).analyze(failure);
					assertThat(analysis).isNotNull();
					assertThat(analysis.getDescription())
						.startsWith("Redis rejected the application's user name or password (" + redis.host() + ":"
								+ redis.port() + ", user 'app', password set")
						.doesNotContain(redis.password().orElseThrow());
				});
		}
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

package dev.redisboot.core.autoconfigure;

import java.util.Map;

import dev.redisboot.core.InvalidPropertyException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.OriginTrackedMapPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests for {@link InvalidPropertyFailureAnalyzer}.
 */
@ExtendWith(OutputCaptureExtension.class)
class InvalidPropertyFailureAnalyzerTests {

	private final InvalidPropertyFailureAnalyzer analyzer = new InvalidPropertyFailureAnalyzer(null);

	@Test
	void analyzeDescribesPropertyValueAndReason() {
		InvalidPropertyException ex = new InvalidPropertyException("redisboot.cache.ttl-jitter", "150%",
				"Jitter must be at most 100%", "Use a percentage between 0% and 100%.");
		FailureAnalysis analysis = this.analyzer.analyze(ex);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription())
			.isEqualTo(String.format("Invalid value '150%%' for configuration property 'redisboot.cache.ttl-jitter':"
					+ "%n%n    Reason: Jitter must be at most 100%%"));
		assertThat(analysis.getAction()).isEqualTo("Use a percentage between 0% and 100%.");
		assertThat(analysis.getCause()).isSameAs(ex);
	}

	@Test
	void analyzeNeverShowsWithheldValue() {
		InvalidPropertyException ex = InvalidPropertyException.withValueWithheld("redisboot.secret",
				"Secret is too short", "Use at least 32 characters.");
		FailureAnalysis analysis = this.analyzer.analyze(ex);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Invalid value <withheld> for configuration property")
			.contains("'redisboot.secret'");
		assertThat(ex.getValue()).isNull();
		assertThat(ex.getMessage()).contains("<withheld>");
	}

	@Test
	void analyzeShowsMissingValue() {
		InvalidPropertyException ex = new InvalidPropertyException("redisboot.required", null, "Value is required",
				"Set it.");
		FailureAnalysis analysis = this.analyzer.analyze(ex);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Invalid value <none> for configuration property");
	}

	@Test
	void analyzeFindsExceptionWrappedInBeanCreationException() {
		InvalidPropertyException ex = invalidPrefix();
		BeanCreationException failure = new BeanCreationException("redisKeyNamer", "Failed to instantiate",
				new IllegalStateException("wrapper", ex));
		FailureAnalysis analysis = this.analyzer.analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("'redisboot.key-prefix'").contains("'bad prefix'");
		assertThat(analysis.getCause()).isSameAs(ex);
	}

	@Test
	void analyzeIgnoresOtherFailures() {
		assertThat(this.analyzer.analyze(new IllegalStateException("other"))).isNull();
	}

	@Test
	void analyzeReportsOriginWhenEnvironmentKnowsIt() {
		StandardEnvironment environment = new StandardEnvironment();
		Origin origin = new TextResourceOrigin(new ClassPathResource("application.yaml"),
				new TextResourceOrigin.Location(2, 14));
		environment.getPropertySources()
			.addFirst(new OriginTrackedMapPropertySource("test",
					Map.of("redisboot.key-prefix", OriginTrackedValue.of("bad prefix", origin))));
		FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer(environment).analyze(invalidPrefix());
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("(originating from 'class path resource [application.yaml] - 3:15')");
	}

	@Test
	void analyzeFindsExceptionThrownWhileBindingConfigurationProperties() {
		new ApplicationContextRunner().withUserConfiguration(SecretPropertiesConfiguration.class)
			.withPropertyValues("test.password=s3cret-value")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				assertThat(failure).hasCauseInstanceOf(BindException.class)
					.hasRootCauseInstanceOf(InvalidPropertyException.class);
				FailureAnalysis analysis = this.analyzer.analyze(failure);
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("'test.password'").doesNotContain("s3cret-value");
			});
	}

	@Test
	void failedStartupReportsInvalidKeyPrefix(CapturedOutput output) {
		SpringApplication application = new SpringApplication(KeyNamerApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--spring.config.name=invalid-key-prefix"))
			.withRootCauseInstanceOf(InvalidPropertyException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value 'bad prefix' for configuration property 'redisboot.key-prefix' "
					+ "(originating from 'class path resource [invalid-key-prefix.properties] - 1:")
			.contains("Reason: Key prefix must not contain whitespace")
			.contains("Remove the property to write keys without a prefix.");
	}

	@Test
	void failedStartupReportsBindFailureWithoutRevealingWithheldValue(CapturedOutput output) {
		SpringApplication application = new SpringApplication(SecretPropertiesConfiguration.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		assertThatException().isThrownBy(() -> application.run("--spring.config.name=invalid-secret"))
			.withRootCauseInstanceOf(InvalidPropertyException.class);
		// Boot's own bind failure analysis would print the value: this one must win
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid value <withheld> for configuration property 'test.password'")
			.contains("Use at least 32 characters.")
			.doesNotContain("s3cret-value");
	}

	private static InvalidPropertyException invalidPrefix() {
		return new InvalidPropertyException("redisboot.key-prefix", "bad prefix", "Key prefix must not contain whitespace",
				"Remove the whitespace.");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, RedisbootAutoConfiguration.class })
	static class KeyNamerApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(SecretProperties.class)
	static class SecretPropertiesConfiguration {

	}

	@ConfigurationProperties("test")
	static class SecretProperties {

		private @Nullable String password;

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			if (password != null && password.length() < 32) {
				throw InvalidPropertyException.withValueWithheld("test.password", "Password is too short",
						"Use at least 32 characters.");
			}
			this.password = password;
		}

	}

}

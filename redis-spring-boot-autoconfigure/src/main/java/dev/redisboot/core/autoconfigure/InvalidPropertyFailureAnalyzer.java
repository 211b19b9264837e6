package dev.redisboot.core.autoconfigure;

import dev.redisboot.core.InvalidPropertyException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

/**
 * {@link FailureAnalyzer} for an {@link InvalidPropertyException} anywhere in the cause
 * chain of a startup failure, typically wrapped in a {@code BeanCreationException} or a
 * {@code BindException}. The description names the property, its value (unless withheld),
 * where it was set and why it was rejected; the action says what is allowed.
 * <p>
 * Ordered first so that it wins over Boot's generic bind failure analysis, which would
 * otherwise describe the same failure less precisely.
 *
 * @author redisboot
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class InvalidPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPropertyException> {

	private final @Nullable Environment environment;

	/**
	 * Create a new analyzer. Spring Boot passes the failed application's environment,
	 * which is used to report where the property was set.
	 * @param environment the environment, or {@code null} if there is none
	 */
	public InvalidPropertyFailureAnalyzer(@Nullable Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidPropertyException cause) {
		StringBuilder description = new StringBuilder();
		description.append("Invalid value ")
			.append(cause.getDisplayValue())
			.append(" for configuration property '")
			.append(cause.getPropertyName())
			.append("'");
		Origin origin = findOrigin(cause.getPropertyName());
		if (origin != null) {
			description.append(" (originating from '").append(origin).append("')");
		}
		description.append(String.format(":%n%n    Reason: %s", cause.getReason()));
		return new FailureAnalysis(description.toString(), cause.getAction(), cause);
	}

	private @Nullable Origin findOrigin(String propertyName) {
		if (this.environment == null || !ConfigurationPropertyName.isValid(propertyName)) {
			return null;
		}
		ConfigurationPropertyName name = ConfigurationPropertyName.of(propertyName);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			if (property != null) {
				return property.getOrigin();
			}
		}
		return null;
	}

}

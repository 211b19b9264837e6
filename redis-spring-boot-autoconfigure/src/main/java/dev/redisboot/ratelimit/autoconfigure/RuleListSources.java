package dev.redisboot.ratelimit.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import dev.redisboot.core.InvalidPropertyException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * Where {@code redisboot.rate-limit.rules} comes from. Spring Boot binds a list whole from
 * the highest-priority source that sets any element of it, so
 * {@code --redisboot.rate-limit.rules[0].key=cookie} on the command line leaves one rule with
 * only a key, and the rules of {@code application.yml} do not apply at all. Checked field by
 * field, such a rule would be reported as missing its {@code name}, and the failure analyzer
 * would point at the YAML line that sets the name, which is not the mistake. This finds the
 * replacement and reports it at the property of the source that replaced the list.
 */
final class RuleListSources {

	private static final ConfigurationPropertyName RULES = ConfigurationPropertyName.of("redisboot.rate-limit.rules");

	private final List<ConfigurationPropertySource> sources;

	private RuleListSources(List<ConfigurationPropertySource> sources) {
		this.sources = sources;
	}

	/**
	 * The sources that set rules, highest priority first.
	 * @param environment the environment, or {@code null} (nothing is then reported)
	 * @return the sources
	 */
	static RuleListSources of(@Nullable Environment environment) {
		List<ConfigurationPropertySource> sources = new ArrayList<>();
		if (environment instanceof ConfigurableEnvironment) {
			for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
				if (source.containsDescendantOf(RULES) == ConfigurationPropertyState.PRESENT) {
					sources.add(source);
				}
			}
		}
		return new RuleListSources(sources);
	}

	/**
	 * The failure for an incomplete rule of a list that replaced another source's list.
	 * @param index the rule's index
	 * @param missing what the rule lacks, such as {@code name}
	 * @return the failure, or {@code null} when no source's list was replaced
	 */
	@Nullable InvalidPropertyException replacedList(int index, String missing) {
		if (this.sources.size() < 2) {
			return null;
		}
		ConfigurationPropertySource winner = this.sources.get(0);
		ConfigurationPropertyName rule = ConfigurationPropertyName.of(RULES + "[" + index + "]");
		ConfigurationProperty set = firstPropertyUnder(winner, rule);
		List<String> replaced = this.sources.subList(1, this.sources.size()).stream().map(RuleListSources::name).toList();
		String reason = "Rule " + index + " of redisboot.rate-limit.rules has no " + missing + ": the list comes from "
				+ name(winner) + ", which replaces the whole list of " + String.join(" and ", replaced)
				+ " (Spring Boot takes a list from the highest-priority source that sets any of it, never merged"
				+ " element by element), so none of those rules apply";
		String action = "A list property set in a higher-priority source (command line, environment) replaces the"
				+ " whole list from application.yml; set every field of the rule there (at least name and"
				+ " limits[0].capacity and limits[0].period, and the same for every other rule you keep), or change the"
				+ " rule in application.yml (or a profile's application-<profile>.yml) instead.";
		if (set != null) {
			return new InvalidPropertyException(set.getName().toString(), set.getValue(), reason, action);
		}
		return new InvalidPropertyException(rule.toString(), null, reason, action);
	}

	private static @Nullable ConfigurationProperty firstPropertyUnder(ConfigurationPropertySource source,
			ConfigurationPropertyName rule) {
		if (source instanceof IterableConfigurationPropertySource iterable) {
			return iterable.stream()
				.filter(rule::isAncestorOf)
				.findFirst()
				.map(source::getConfigurationProperty)
				.orElse(null);
		}
		return null;
	}

	private static String name(ConfigurationPropertySource source) {
		Object underlying = source.getUnderlyingSource();
		String name = (underlying instanceof PropertySource<?> propertySource) ? propertySource.getName()
				: String.valueOf(underlying);
		// a config file's source is named "Config resource 'class path resource [...]' via location '...'"
		return name.contains("'") ? name : "'" + name + "'";
	}

}

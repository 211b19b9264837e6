package dev.redisboot.ratelimit.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.PropertyChecks;
import dev.redisboot.ratelimit.ClientKeyResolver;
import dev.redisboot.ratelimit.Limit;
import dev.redisboot.ratelimit.RateLimitRule;
import dev.redisboot.ratelimit.RateLimitRule.Stage;
import dev.redisboot.ratelimit.autoconfigure.RedisbootRateLimitProperties.LimitSpec;
import dev.redisboot.ratelimit.autoconfigure.RedisbootRateLimitProperties.Rule;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.http.HttpMethod;
import org.springframework.util.StringUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Checks {@link RedisbootRateLimitProperties}, the one place that does, and turns them into
 * settings: validated {@link RateLimitRule rules} with the application's
 * {@link RateLimitRuleCustomizer customizers} applied, the decision timeout and the
 * {@code Retry-After} of a 503. Fails with an {@link InvalidPropertyException} that names the
 * property, such as {@code redisboot.rate-limit.rules[0].limits[0].capacity}, for every wrong
 * value; and for a rule list that a higher-priority source replaced as a whole, names that
 * source's property rather than the first field the remaining rule lacks
 * ({@link RuleListSources}).
 */
final class RateLimitSettingsResolver {

	private static final String PREFIX = "redisboot.rate-limit.";

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

	private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
			"TRACE");

	private final RedisbootRateLimitProperties properties;

	private final @Nullable Environment environment;

	RateLimitSettingsResolver(RedisbootRateLimitProperties properties) {
		this(properties, null);
	}

	RateLimitSettingsResolver(RedisbootRateLimitProperties properties, @Nullable Environment environment) {
		this.properties = properties;
		this.environment = environment;
	}

	/**
	 * The rules, checked, with the customizers applied in order.
	 * @param customizers the customizers, in order
	 * @param planResolverPresent whether the application has a {@code RatePlanResolver}
	 * @return the rules
	 */
	RateLimitRules rules(List<RateLimitRuleCustomizer> customizers, boolean planResolverPresent) {
		List<RateLimitRule> rules = new ArrayList<>();
		Set<String> names = new LinkedHashSet<>();
		List<Rule> specs = this.properties.getRules();
		RuleListSources sources = RuleListSources.of(this.environment);
		for (int i = 0; i < specs.size(); i++) {
			Rule spec = specs.get(i);
			String missing = (spec.getName() == null) ? "name" : spec.getLimits().isEmpty() ? "limits" : null;
			InvalidPropertyException replaced = (missing != null) ? sources.replacedList(i, missing) : null;
			if (replaced != null) {
				throw replaced;
			}
			RateLimitRule rule = rule(PREFIX + "rules[" + i + "].", spec);
			if (!names.add(rule.name())) {
				throw new InvalidPropertyException(PREFIX + "rules[" + i + "].name", rule.name(),
						"Another rule has the same name", "Give every rule its own name.");
			}
			rules.add(rule);
		}
		rules = customize(rules, customizers);
		requirePlanResolver(rules, planResolverPresent);
		return new RateLimitRules(rules);
	}

	private static List<RateLimitRule> customize(List<RateLimitRule> rules, List<RateLimitRuleCustomizer> customizers) {
		Map<String, RateLimitRule.Builder> builders = new LinkedHashMap<>();
		rules.forEach((rule) -> builders.put(rule.name(), rule.toBuilder()));
		for (RateLimitRuleCustomizer customizer : customizers) {
			RateLimitRule.Builder builder = builders.get(customizer.name());
			if (builder == null) {
				throw new InvalidPropertyException(PREFIX + "rules", builders.keySet(),
						"A RateLimitRuleCustomizer (" + customizer.getClass().getName() + ") names the rule '"
								+ customizer.name() + "', which is not configured",
						"Add the rule under redisboot.rate-limit.rules, or fix the customizer's name().");
			}
			customizer.customize(builder);
		}
		return builders.values().stream().map(RateLimitRule.Builder::build).toList();
	}

	private static void requirePlanResolver(List<RateLimitRule> rules, boolean present) {
		if (present) {
			return;
		}
		for (int i = 0; i < rules.size(); i++) {
			if (!rules.get(i).plans().isEmpty()) {
				throw new InvalidPropertyException(PREFIX + "rules[" + i + "].plans", rules.get(i).plans().keySet(),
						"The rule has plans but no RatePlanResolver bean chooses them",
						"Declare a RatePlanResolver bean that returns the plan of each request, or remove the plans.");
			}
		}
	}

	private RateLimitRule rule(String prefix, Rule spec) {
		String name = spec.getName();
		if (name == null || !NAME.matcher(name).matches()) {
			throw new InvalidPropertyException(prefix + "name", name,
					(name == null) ? "Every rule needs a name" : "The name has characters other than letters, digits, '-' and '_'",
					"Use a short name such as 'login'.");
		}
		List<PathPattern> paths = new ArrayList<>();
		for (int i = 0; i < spec.getPaths().size(); i++) {
			String path = spec.getPaths().get(i);
			try {
				paths.add(PathPatternParser.defaultInstance.parse(path));
			}
			catch (PatternParseException ex) {
				throw new InvalidPropertyException(prefix + "paths[" + i + "]", path,
						"Not a valid path pattern: " + ex.getMessage(), "Use a pattern such as /api/** or /login.");
			}
		}
		Set<String> methods = new LinkedHashSet<>();
		for (int i = 0; i < spec.getMethods().size(); i++) {
			String method = spec.getMethods().get(i).trim().toUpperCase(Locale.ROOT);
			if (!METHODS.contains(method)) {
				throw new InvalidPropertyException(prefix + "methods[" + i + "]", spec.getMethods().get(i),
						"Not an HTTP method", "Use methods such as GET or POST.");
			}
			methods.add(HttpMethod.valueOf(method).name());
		}
		List<Limit> limits = limits(prefix + "limits", spec.getLimits());
		Map<String, List<Limit>> plans = new LinkedHashMap<>();
		spec.getPlans().forEach((plan, planSpec) -> {
			if (!NAME.matcher(plan).matches()) {
				throw new InvalidPropertyException(prefix + "plans." + plan, plan,
						"The plan name has characters other than letters, digits, '-' and '_'",
						"Use a short name such as 'free' or 'pro'.");
			}
			plans.put(plan, limits(prefix + "plans." + plan + ".limits", planSpec.getLimits()));
		});
		String key = spec.getKey().trim();
		ClientKeyResolver resolver;
		Stage defaultStage;
		if ("ip".equals(key)) {
			resolver = ClientKeyResolver.ip();
			defaultStage = Stage.BEFORE_AUTHENTICATION;
		}
		else if ("user".equals(key)) {
			resolver = ClientKeyResolver.user();
			defaultStage = Stage.AFTER_AUTHENTICATION;
		}
		else if (key.startsWith("header:")) {
			String header = key.substring("header:".length()).trim();
			if (!HEADER.matcher(header).matches()) {
				throw new InvalidPropertyException(prefix + "key", spec.getKey(), "Not a valid header name",
						"Use header:<Name>, such as header:X-API-Key.");
			}
			resolver = ClientKeyResolver.header(header);
			defaultStage = Stage.BEFORE_AUTHENTICATION;
		}
		else if ("expression".equals(key)) {
			String expression = spec.getExpression();
			if (!StringUtils.hasText(expression)) {
				throw new InvalidPropertyException(prefix + "expression", expression,
						"The key is 'expression' but no expression is set",
						"Set a SpEL expression such as \"header('X-Tenant')\".");
			}
			try {
				resolver = ClientKeyResolver.expression(new SpelExpressionParser().parseExpression(expression));
			}
			catch (ParseException ex) {
				throw new InvalidPropertyException(prefix + "expression", expression,
						"Not a valid SpEL expression: " + ex.getMessage(),
						"Use an expression over 'request', 'ip', 'user' and 'header('Name')'.");
			}
			defaultStage = Stage.AFTER_AUTHENTICATION;
		}
		else {
			throw new InvalidPropertyException(prefix + "key", spec.getKey(), "Unknown kind of client key",
					"Use ip, user, header:<Name> or expression.");
		}
		return new RateLimitRule(name, paths, methods, resolver, key, spec.getMissingKey(), limits, plans,
				spec.getOnRedisFailure(), spec.isHeaders(), (spec.getStage() != null) ? spec.getStage() : defaultStage);
	}

	private static List<Limit> limits(String prefix, List<LimitSpec> specs) {
		if (specs.isEmpty()) {
			throw new InvalidPropertyException(prefix, "[]", "No limits are set",
					"Add at least one limit with a capacity and a period, such as capacity: 10, period: 1m.");
		}
		List<Limit> limits = new ArrayList<>();
		for (int i = 0; i < specs.size(); i++) {
			LimitSpec spec = specs.get(i);
			String property = prefix + "[" + i + "]";
			PropertyChecks.atLeast(property + ".capacity", spec.getCapacity(), 1, "10");
			Duration period = PropertyChecks.positive(property + ".period", spec.getPeriod(), "1m");
			if (period.toMillis() < 1) {
				// buckets count in milliseconds, in the script and in Bucket4j
				throw new InvalidPropertyException(property + ".period", period, "The period is shorter than 1 ms",
						"Use a duration such as 1s or 1m.");
			}
			limits.add(new Limit(spec.getCapacity(), period, spec.getRefill()));
		}
		return List.copyOf(limits);
	}

	/**
	 * The longest a decision waits for Redis.
	 * @return the timeout
	 */
	Duration timeout() {
		return PropertyChecks.positive(PREFIX + "timeout", this.properties.getTimeout(), "200ms");
	}

	/**
	 * The {@code Retry-After} of a 503 while Redis is unavailable: the circuit breaker's open
	 * duration, at least a second.
	 * @return the seconds
	 */
	long unavailableRetrySeconds() {
		return Math.max(1, this.properties.getCircuitBreaker().getOpenDuration().toSeconds());
	}

	/**
	 * Whether only the first matching rule applies.
	 * @return whether it does
	 */
	boolean firstMatchOnly() {
		return this.properties.getStrategy() == RedisbootRateLimitProperties.Strategy.FIRST;
	}

}

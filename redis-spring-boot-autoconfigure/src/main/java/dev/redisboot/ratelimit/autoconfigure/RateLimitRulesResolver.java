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
import dev.redisboot.ratelimit.ClientKeyResolver;
import dev.redisboot.ratelimit.Limit;
import dev.redisboot.ratelimit.RateLimitRule.Stage;
import dev.redisboot.ratelimit.RateLimitRule;
import dev.redisboot.ratelimit.autoconfigure.RateLimitProperties.LimitSpec;
import dev.redisboot.ratelimit.autoconfigure.RateLimitProperties.Rule;

import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.http.HttpMethod;
import org.springframework.util.StringUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import org.springframework.web.util.pattern.PatternParseException;

/**
 * Turns {@link RateLimitProperties} into validated {@link RateLimitRule rules}, failing with
 * an {@link InvalidPropertyException} that names the property, such as
 * {@code redisboot.rate-limit.rules[0].limits[0].capacity}, for every wrong value.
 */
final class RateLimitRulesResolver {

	private static final String PREFIX = "redisboot.rate-limit.";

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]+");

	private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
			"TRACE");

	private final RateLimitProperties properties;

	RateLimitRulesResolver(RateLimitProperties properties) {
		this.properties = properties;
	}

	List<RateLimitRule> rules() {
		List<RateLimitRule> rules = new ArrayList<>();
		Set<String> names = new LinkedHashSet<>();
		List<Rule> specs = this.properties.getRules();
		for (int i = 0; i < specs.size(); i++) {
			RateLimitRule rule = rule(PREFIX + "rules[" + i + "].", specs.get(i));
			if (!names.add(rule.name())) {
				throw new InvalidPropertyException(PREFIX + "rules[" + i + "].name", rule.name(),
						"Another rule has the same name", "Give every rule its own name.");
			}
			rules.add(rule);
		}
		return rules;
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
			if (spec.getCapacity() <= 0) {
				throw new InvalidPropertyException(property + ".capacity", spec.getCapacity(),
						"The capacity must be at least 1", "Use the number of requests allowed per period, such as 10.");
			}
			Duration period = spec.getPeriod();
			if (period == null || period.toMillis() < 1) {
				throw new InvalidPropertyException(property + ".period", period,
						(period == null) ? "Every limit needs a period" : "The period must be positive",
						"Use a duration such as 1m or 1h.");
			}
			limits.add(new Limit(spec.getCapacity(), period, spec.getRefill()));
		}
		return List.copyOf(limits);
	}

	java.time.Duration timeout() {
		Duration timeout = this.properties.getTimeout();
		if (timeout.isNegative() || timeout.isZero()) {
			throw new InvalidPropertyException(PREFIX + "timeout", timeout, "The duration must be positive",
					"Use a short duration such as 200ms.");
		}
		return timeout;
	}

}

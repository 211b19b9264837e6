package dev.redisboot.ratelimit.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.ratelimit.RateLimitRule;

/**
 * The validated rate-limit rules of the application.
 *
 * @param rules the rules, in order
 */
public record RateLimitRules(List<RateLimitRule> rules) {

	/**
	 * The rules by name.
	 * @return the rules
	 */
	public Map<String, RateLimitRule> byName() {
		Map<String, RateLimitRule> byName = new LinkedHashMap<>();
		this.rules.forEach((rule) -> byName.put(rule.name(), rule));
		return byName;
	}

	void requirePlanResolverIfNeeded(boolean present) {
		if (present) {
			return;
		}
		for (int i = 0; i < this.rules.size(); i++) {
			if (!this.rules.get(i).plans().isEmpty()) {
				throw new InvalidPropertyException("redisboot.rate-limit.rules[" + i + "].plans",
						this.rules.get(i).plans().keySet(), "The rule has plans but no RatePlanResolver bean chooses them",
						"Declare a RatePlanResolver bean that returns the plan of each request, or remove the plans.");
			}
		}
	}

}

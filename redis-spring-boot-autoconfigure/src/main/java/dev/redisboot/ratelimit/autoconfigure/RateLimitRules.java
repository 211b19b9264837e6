package dev.redisboot.ratelimit.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.redisboot.ratelimit.RateLimitRule;

/**
 * The application's rate-limit rules, checked and customized, as the filters and
 * {@code @RateLimited} use them.
 *
 * @param rules the rules, in order
 */
record RateLimitRules(List<RateLimitRule> rules) {

	/**
	 * The rules by name.
	 * @return the rules
	 */
	Map<String, RateLimitRule> byName() {
		Map<String, RateLimitRule> byName = new LinkedHashMap<>();
		this.rules.forEach((rule) -> byName.put(rule.name(), rule));
		return byName;
	}

}

package dev.redisboot.ratelimit.autoconfigure;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.redisboot.core.InvalidPropertyException;
import dev.redisboot.core.autoconfigure.ApplicationBeanMethods;
import dev.redisboot.ratelimit.RateLimited;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Fails startup when a {@link RateLimited @RateLimited} method names a rule that is not
 * configured, rather than at its first call.
 */
final class RateLimitedVerifier implements SmartInitializingSingleton {

	private final ConfigurableListableBeanFactory beanFactory;

	private final Set<String> ruleNames;

	RateLimitedVerifier(ConfigurableListableBeanFactory beanFactory, Set<String> ruleNames) {
		this.beanFactory = beanFactory;
		this.ruleNames = Set.copyOf(ruleNames);
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, Set<String>> unknown = new TreeMap<>();
		ApplicationBeanMethods.forEach(this.beanFactory, (type, method) -> {
			RateLimited rateLimited = AnnotatedElementUtils.findMergedAnnotation(method, RateLimited.class);
			if (rateLimited != null && !this.ruleNames.contains(rateLimited.rule())) {
				unknown.computeIfAbsent(rateLimited.rule(), (rule) -> new TreeSet<>())
					.add(type.getSimpleName() + "." + method.getName());
			}
		});
		if (!unknown.isEmpty()) {
			StringBuilder uses = new StringBuilder();
			unknown.forEach((rule, methods) -> uses.append(uses.isEmpty() ? "" : "; ")
				.append("'")
				.append(rule)
				.append("' named by ")
				.append(String.join(", ", methods)));
			throw new InvalidPropertyException("redisboot.rate-limit.rules", this.ruleNames,
					"@RateLimited names rules that are not configured: " + uses,
					"Add each rule under redisboot.rate-limit.rules with its name and limits, or fix the name.");
		}
	}

}

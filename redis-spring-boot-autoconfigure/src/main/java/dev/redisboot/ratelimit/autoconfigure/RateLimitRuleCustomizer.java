package dev.redisboot.ratelimit.autoconfigure;

import java.util.function.Consumer;

import dev.redisboot.ratelimit.RateLimitRule;

import org.springframework.util.Assert;

/**
 * Changes one rate-limit rule of {@code redisboot.rate-limit.rules}, named by
 * {@link #name()}, after its properties are checked and before the filters and
 * {@code @RateLimited} use it: limits computed at startup, a {@code ClientKeyResolver} of
 * the application's own, a plan added from a database. Beans of this type are applied in
 * their order ({@link org.springframework.core.annotation.Order @Order} or
 * {@link org.springframework.core.Ordered}), several to one rule in turn. A customizer that
 * names no configured rule fails startup, so that a typo cannot pass unnoticed.
 * <p>
 * As resilience4j's {@code CustomizerWithName}:
 *
 * <pre class="code">
 * &#64;Bean
 * RateLimitRuleCustomizer loginLimit(LoginPolicy policy) {
 *     return RateLimitRuleCustomizer.of("login",
 *             (rule) -&gt; rule.limits(Limit.of(policy.attemptsPerMinute(), Duration.ofMinutes(1))));
 * }
 * </pre>
 *
 * @author redisboot
 */
public interface RateLimitRuleCustomizer {

	/**
	 * Name of the rule this customizer changes.
	 * @return the rule's name
	 */
	String name();

	/**
	 * Changes the rule.
	 * @param rule the builder of the rule, holding its settings so far
	 */
	void customize(RateLimitRule.Builder rule);

	/**
	 * A customizer of one rule.
	 * @param name the rule's name
	 * @param customizer changes the rule
	 * @return the customizer
	 */
	static RateLimitRuleCustomizer of(String name, Consumer<RateLimitRule.Builder> customizer) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(customizer, "'customizer' must not be null");
		return new RateLimitRuleCustomizer() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public void customize(RateLimitRule.Builder rule) {
				customizer.accept(rule);
			}

		};
	}

}
